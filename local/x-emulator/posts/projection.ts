import { X_DOCUMENTED_FIELDS, X_FIELD_PARAMS, type XFieldParam } from "../../../events/x-fields.js";
import { invalidRequest, type XProblem } from "../http/problems.js";
import type { GeneratedTweet, XIncludes, XStreamMessage } from "./x-types.js";

type ObjectFields = Exclude<XFieldParam, "expansions">;

/** What the client asked for: X sends only the requested fields and expansions. */
export interface Projection {
  /** Per object kind, every field to send, in order: what X always sends, then what was requested. */
  fields: Readonly<Record<ObjectFields, readonly string[]>>;
  expansions: ReadonlySet<string>;
}

// What X sends of each object without a `*.fields` request (a post's text last, as the emulator always wrote it).
const ALWAYS: Record<ObjectFields, { first: readonly string[]; last: readonly string[] }> = {
  "tweet.fields": { first: ["edit_history_tweet_ids", "id"], last: ["text"] },
  "user.fields": { first: ["id", "name", "username"], last: [] },
  "media.fields": { first: ["media_key", "type"], last: [] },
  "place.fields": { first: ["id", "full_name"], last: [] },
  "poll.fields": { first: ["id", "options"], last: [] },
};

/** Reads the six field/expansion parameters as X does: comma-separated, any undocumented value a 400. */
export function parseProjection(query: URLSearchParams): Projection | XProblem {
  const values = {} as Record<XFieldParam, string[]>;
  for (const param of Object.keys(X_FIELD_PARAMS) as XFieldParam[]) {
    const documented = X_DOCUMENTED_FIELDS[param];
    const list = (query.get(param) ?? "").split(",").filter((v) => v !== "");
    const unknown = list.filter((v) => !documented.includes(v));
    if (unknown.length > 0) {
      return invalidRequest(
        `The \`${param}\` query parameter value [${unknown.join(",")}] is not one of [${documented.join(",")}]`,
        { [param]: [query.get(param) ?? ""] },
      );
    }
    values[param] = list;
  }
  const fields = {} as Record<ObjectFields, readonly string[]>;
  for (const [param, { first, last }] of Object.entries(ALWAYS) as [
    ObjectFields,
    (typeof ALWAYS)[ObjectFields],
  ][]) {
    const requested = values[param].filter((f) => !first.includes(f) && !last.includes(f));
    fields[param] = [...first, ...new Set(requested), ...last];
  }
  return { fields, expansions: new Set(values.expansions) };
}

// Rendering runs for every streamed post: plain loops, and includes lists made only when needed.
function pick(object: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = object as Record<string, unknown>;
  for (const field of fields) if (source[field] !== undefined) out[field] = source[field];
  return out;
}

/** A post and its includes as X renders them for this request; `omitAuthor` leaves its author out. */
export function renderPost(
  post: GeneratedTweet,
  projection: Projection,
  omitAuthor = false,
): Pick<XStreamMessage, "data" | "includes"> {
  const { fields, expansions } = projection;
  const expand = (name: string) => expansions.has(name);
  const data = pick(post.tweet, fields["tweet.fields"]) as XStreamMessage["data"];
  const includes: Record<string, Record<string, unknown>[]> = {};
  const add = (kind: keyof XIncludes, object: Record<string, unknown>) => {
    const list = includes[kind];
    if (list === undefined) includes[kind] = [object];
    else list.push(object);
  };
  const addUser = (user: GeneratedTweet["author"] | undefined) => {
    if (user && !includes.users?.some((u) => u.id === user.id))
      add("users", pick(user, fields["user.fields"]));
  };
  const { tweet } = post;
  if (!omitAuthor && expand("author_id")) addUser(post.author);
  if (tweet.in_reply_to_user_id && expand("in_reply_to_user_id"))
    addUser(post.referenced?.find((r) => r.author.id === tweet.in_reply_to_user_id)?.author);
  if (post.mentioned) {
    const names = new Set<string>();
    if (expand("entities.mentions.username"))
      for (const m of tweet.entities?.mentions ?? []) names.add(m.username);
    if (expand("entities.note.mentions.username"))
      for (const m of tweet.note_tweet?.entities?.mentions ?? []) names.add(m.username);
    for (const user of post.mentioned) if (names.has(user.username)) addUser(user);
  }
  for (const referenced of post.referenced ?? []) {
    if (expand("referenced_tweets.id")) add("tweets", pick(referenced.tweet, fields["tweet.fields"]));
    if (expand("referenced_tweets.id.author_id")) addUser(referenced.author);
    if (expand("referenced_tweets.id.attachments.media_keys"))
      for (const m of referenced.media ?? []) add("media", pick(m, fields["media.fields"]));
  }
  if (post.media && expand("attachments.media_keys"))
    for (const m of post.media) add("media", pick(m, fields["media.fields"]));
  if (post.places && expand("geo.place_id"))
    for (const p of post.places) add("places", pick(p, fields["place.fields"]));
  if (post.polls && expand("attachments.poll_ids"))
    for (const p of post.polls) add("polls", pick(p, fields["poll.fields"]));
  return includes.users || includes.tweets || includes.media || includes.places || includes.polls
    ? { data, includes: includes as XIncludes }
    : { data };
}

/** One `includes` for a page of posts, each object once (a search response shares it among its posts). */
export function mergeIncludes(all: (XIncludes | undefined)[]): XIncludes | undefined {
  const keyOf: Record<keyof XIncludes, string> = {
    users: "id",
    tweets: "id",
    media: "media_key",
    places: "id",
    polls: "id",
  };
  const merged: XIncludes = {};
  for (const includes of all) {
    for (const [kind, list] of Object.entries(includes ?? {}) as [
      keyof XIncludes,
      Record<string, unknown>[],
    ][]) {
      const target = (merged[kind] ?? []) as Record<string, unknown>[];
      merged[kind] = target;
      const key = keyOf[kind];
      for (const object of list) if (!target.some((o) => o[key] === object[key])) target.push(object);
    }
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
