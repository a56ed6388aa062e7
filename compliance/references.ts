import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { decodeStoredRecord, encodeStoredRecord } from "../events/stored-record.js";

/**
 * Posts an item's record carries besides its own: X's `includes.tweets` (the posts it quotes, replies to or
 * retweets) and `includes.users` (their authors). X's terms ask that deleted or protected content be removed
 * wherever it is stored, so the sweep checks these ids too and removes what X flags from the includes of every
 * item that carries it, leaving the item's own post (`data`, `Message`) as it is.
 */
export interface References {
  posts: string[];
  users: string[];
}

/** What to take out of one item's includes. */
export interface IncludesPrune {
  /** Referenced posts to remove (deleted, or their author's account gone or protected). */
  posts: Set<string>;
  /** Referenced authors to remove, with every referenced post of theirs. */
  users: Set<string>;
  /** Referenced posts whose geo goes (`scrub_geo`): the post stays. */
  geo: Set<string>;
}

/** The attributes reading references needs: read them with the item. */
export const REFERENCE_ATTRIBUTES = ["Raw", "Message"] as const;

interface Envelope {
  data?: { geo?: { place_id?: unknown } };
  includes?: {
    tweets?: { id?: unknown; author_id?: unknown; geo?: { place_id?: unknown } }[];
    users?: { id?: unknown }[];
    places?: { id?: unknown }[];
  };
}

/** The record's JSON, or undefined when the item has none or it cannot be read (then it carries nothing). */
function recordOf(item: Record<string, AttributeValue>): string | undefined {
  const raw = item.Raw;
  try {
    if (raw?.S !== undefined) return raw.S;
    if (raw?.B !== undefined) return decodeStoredRecord({ B: raw.B }, item.Message?.S ?? "");
  } catch {
    return undefined;
  }
  return undefined;
}

function envelopeOf(json: string | undefined): Envelope | undefined {
  if (json === undefined) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Envelope)
      : undefined;
  } catch {
    return undefined;
  }
}

const ids = (values: unknown[]) => [...new Set(values.filter((v): v is string => typeof v === "string"))];

/** The posts and authors an item references, its own post and author left out. */
export function referencesOf(
  item: Record<string, AttributeValue>,
  own: { id: string; authorId: string },
): References {
  const includes = envelopeOf(recordOf(item))?.includes;
  const tweets = Array.isArray(includes?.tweets) ? includes.tweets : [];
  const users = Array.isArray(includes?.users) ? includes.users : [];
  return {
    posts: ids(tweets.map((t) => t?.id)).filter((id) => id !== own.id),
    users: ids([...users.map((u) => u?.id), ...tweets.map((t) => t?.author_id)]).filter(
      (id) => id !== own.authorId,
    ),
  };
}

/** The record without what `prune` names; undefined when nothing in it changes (or it cannot be read). */
export function prunedRecord(json: string, prune: IncludesPrune): string | undefined {
  const envelope = envelopeOf(json);
  const includes = envelope?.includes;
  if (envelope === undefined || includes === undefined) return undefined;
  let changed = false;
  const scrubbedPlaces = new Set<unknown>();
  if (Array.isArray(includes.tweets)) {
    const kept = includes.tweets.filter(
      (t) => !prune.posts.has(String(t?.id)) && !prune.users.has(String(t?.author_id)),
    );
    for (const t of kept)
      if (prune.geo.has(String(t?.id)) && t.geo !== undefined) {
        scrubbedPlaces.add(t.geo?.place_id);
        delete t.geo;
        changed = true;
      }
    changed ||= kept.length !== includes.tweets.length;
    includes.tweets = kept;
  }
  // The place a scrubbed referenced post pointed at goes too, unless the post's own geo or another referenced
  // post still points at it.
  if (scrubbedPlaces.size > 0 && Array.isArray(includes.places)) {
    const stillUsed = new Set([
      envelope.data?.geo?.place_id,
      ...(includes.tweets ?? []).map((t) => t?.geo?.place_id),
    ]);
    const kept = includes.places.filter((p) => !scrubbedPlaces.has(p?.id) || stillUsed.has(p?.id));
    changed ||= kept.length !== includes.places.length;
    includes.places = kept;
  }
  if (Array.isArray(includes.users)) {
    const kept = includes.users.filter((u) => !prune.users.has(String(u?.id)));
    changed ||= kept.length !== includes.users.length;
    includes.users = kept;
  }
  return changed ? JSON.stringify(envelope) : undefined;
}

/**
 * The new `Raw` of an item read with `REFERENCE_ATTRIBUTES`, in the form it is stored (Binary: decoded and
 * encoded again with the item's Message; String: items from before the encoding); undefined when unchanged.
 */
export function prunedRaw(
  item: Record<string, AttributeValue>,
  prune: IncludesPrune,
): AttributeValue | undefined {
  const pruned = prunedRecord(recordOf(item) ?? "", prune);
  if (pruned === undefined) return undefined;
  return item.Raw?.B !== undefined ? { B: encodeStoredRecord(pruned, item.Message?.S ?? "") } : { S: pruned };
}
