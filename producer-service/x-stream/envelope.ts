import {
  EVENT_VERSION,
  fullText,
  referencedIncludes,
  type TweetEventV2,
  tweetEventV2Schema,
  type XIncludes,
  type XObject,
} from "../../events/index.js";
import { MAX_RECORD_BYTES } from "../kinesis/limits.js";

/** Why a post did not become an event; low-cardinality, used as a metric label. */
export type PostDropReason = "invalid-tweet" | "author-missing";

export type EnvelopeResult =
  | { kind: "tweet"; event: TweetEventV2; includesDropped: boolean }
  | { kind: "dropped"; reason: PostDropReason; detail: string; tweetId?: string };

/** One post as X sent it: a stream message, or one entry of a search page with the page's includes. */
export interface XPostMessage {
  data: unknown;
  includes?: unknown;
  matchingRules?: unknown;
}

/**
 * The envelope's own fields, checked by the contract's schema (the one definition of a valid event; no
 * hand-written copy of its checks). `data` and `includes` are valid by construction (an object with a string
 * id and text; lists of objects), so the schema does not walk them again. Measured with
 * bench/producer/envelope-check.ts on the emulator's rich posts: these fields cost about a quarter of the
 * line's JSON.parse (12% of reading a post), the whole v2 schema three times that; a hand-written fast path
 * could save at most those 12% of parsing, which does not pay for a second copy of the contract.
 */
export const ENVELOPE_FIELDS_SCHEMA = tweetEventV2Schema.pick({
  v: true,
  id: true,
  text: true,
  createdAt: true,
  author: true,
  lang: true,
  matchingRules: true,
  receivedAt: true,
  recovered: true,
});
const INCLUDE_KINDS = ["users", "tweets", "media", "places", "polls"] as const;

/** Kinesis' 1 MiB per record, less headroom for the partition key (at most 256 bytes) and an aggregate's framing. */
export const MAX_ENVELOPE_BYTES = MAX_RECORD_BYTES - 1024;

/**
 * Builds the v2 envelope of one post: the v1 fields with the full text, `data` as received, the includes this
 * post references and `matching_rules`; then checks it against the contract's schema, the one definition of a
 * valid event. A record stays under Kinesis' limit: if the includes would push it over they are left out
 * (`includesDropped`), never the post. `sourceChars` (the length of the line it came in) spares measuring
 * small posts: the envelope holds at most three copies of what the line held.
 */
export function buildEnvelope(
  message: XPostMessage,
  receivedAt: string,
  options: { recovered?: boolean; sourceChars?: number } = {},
): EnvelopeResult {
  const { data } = message;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { kind: "dropped", reason: "invalid-tweet", detail: "`data` is not an object" };
  }
  const post = data as XObject;
  const tweetId = typeof post.id === "string" ? post.id : undefined;
  if (typeof post.text !== "string") return invalid("data.text: expected a string", tweetId);
  const includes = includeLists(message.includes);
  if (typeof includes === "string") return invalid(includes, tweetId);
  const author = findAuthor(includes, post.author_id);
  if (author === undefined) {
    const why =
      typeof post.author_id === "string"
        ? `author ${post.author_id} is not in includes.users`
        : "no author_id";
    return { kind: "dropped", reason: "author-missing", detail: why, ...(tweetId ? { tweetId } : {}) };
  }
  const candidate: Record<string, unknown> = {
    v: EVENT_VERSION,
    id: post.id,
    text: fullText(post, includes),
    createdAt: post.created_at,
    author,
    lang: post.lang,
    matchingRules: toMatchingRules(message.matchingRules),
    receivedAt,
    data: post,
    includes: referencedIncludes(post, includes),
    recovered: options.recovered === true ? true : undefined,
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const checked = ENVELOPE_FIELDS_SCHEMA.safeParse(candidate);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.map(String).join(".") || "(root)";
    const hint = where === "createdAt" ? " (request tweet.fields=created_at)" : "";
    return invalid(`${where}: ${issue?.message ?? "invalid"}${hint}`, tweetId);
  }
  const event = candidate as TweetEventV2;
  const includesDropped = event.includes !== undefined && !fitsInRecord(event, options.sourceChars);
  if (includesDropped) {
    delete event.includes;
    event.includesDropped = true;
  }
  return { kind: "tweet", event, includesDropped };
}

const isObject = (value: unknown): value is XObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function invalid(detail: string, tweetId: string | undefined): EnvelopeResult {
  return { kind: "dropped", reason: "invalid-tweet", detail, ...(tweetId ? { tweetId } : {}) };
}

/** X's includes, each kind a list of objects; a problem (as text) when X sent something else. */
function includeLists(includes: unknown): XIncludes | undefined | string {
  if (includes === undefined) return undefined;
  if (!isObject(includes)) return "includes: expected an object";
  for (const kind of INCLUDE_KINDS) {
    const list = includes[kind];
    if (list !== undefined && (!Array.isArray(list) || !list.every(isObject)))
      return `includes.${kind}: expected a list of objects`;
  }
  return includes as XIncludes;
}

/** Worst case UTF-8 bytes per UTF-16 code unit, and room for the envelope's own fields. */
const BYTES_PER_CHAR = 3;
const FIXED_FIELDS_CHARS = 1024;

function fitsInRecord(event: TweetEventV2, sourceChars: number | undefined): boolean {
  if (sourceChars !== undefined) {
    const boundChars = 3 * sourceChars + FIXED_FIELDS_CHARS;
    if (boundChars * BYTES_PER_CHAR <= MAX_ENVELOPE_BYTES) return true;
  }
  return Buffer.byteLength(JSON.stringify(event)) <= MAX_ENVELOPE_BYTES;
}

function findAuthor(includes: XIncludes | undefined, authorId: unknown): TweetEventV2["author"] | undefined {
  if (typeof authorId !== "string" || !Array.isArray(includes?.users)) return undefined;
  for (const user of includes.users) {
    if (user?.id !== authorId) continue;
    const { username, name } = user;
    if (typeof username !== "string" || username === "" || typeof name !== "string") return undefined;
    return { id: authorId, username, name };
  }
  return undefined;
}

/** X sends rule ids as strings; older payloads had numbers. Anything else is left for the schema to refuse. */
function toMatchingRules(rules: unknown): unknown {
  if (!Array.isArray(rules)) return rules;
  return rules.map((rule) => {
    if (!isObject(rule)) return rule;
    const id = typeof rule.id === "number" ? String(rule.id) : rule.id;
    return rule.tag === undefined ? { id } : { id, tag: rule.tag };
  });
}
