import { X_DOCUMENTED_FIELDS, X_FIELD_PARAMS, type XFieldParam } from "../../events/x-fields.js";
import { invalidRequest, type XProblem } from "./x-problems.js";
import type { GeneratedTweet, XIncludes, XStreamMessage, XTweet } from "./x-types.js";

/** What the client asked for: X sends only the requested fields and expansions. */
export interface Projection {
  fields: Readonly<Record<XFieldParam, ReadonlySet<string>>>;
  expansions: ReadonlySet<string>;
}

// What X sends of each object without a `*.fields` request.
const ALWAYS: Record<Exclude<XFieldParam, "expansions">, readonly string[]> = {
  "tweet.fields": ["id", "text", "edit_history_tweet_ids"],
  "user.fields": ["id", "name", "username"],
  "media.fields": ["media_key", "type"],
  "place.fields": ["id", "full_name"],
  "poll.fields": ["id", "options"],
};

/** Reads the six field/expansion parameters as X does: comma-separated, any undocumented value a 400. */
export function parseProjection(query: URLSearchParams): Projection | XProblem {
  const values = {} as Record<XFieldParam, Set<string>>;
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
    values[param] = new Set(list);
  }
  return { fields: values, expansions: values.expansions };
}

function pick(object: object, param: keyof typeof ALWAYS, projection: Projection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = object as Record<string, unknown>;
  for (const field of [...ALWAYS[param], ...projection.fields[param]]) {
    if (source[field] !== undefined) out[field] = source[field];
  }
  return out;
}

/** A post and its includes as X renders them for this request; `omitAuthor` leaves its author out. */
export function renderPost(
  post: GeneratedTweet,
  projection: Projection,
  omitAuthor = false,
): Pick<XStreamMessage, "data" | "includes"> {
  const expand = (name: string) => projection.expansions.has(name);
  const data = pick(post.tweet, "tweet.fields", projection) as XStreamMessage["data"];
  const includes: Required<XIncludes> = { users: [], tweets: [], media: [], places: [], polls: [] };
  const addUser = (user: GeneratedTweet["author"] | undefined) => {
    if (user && !includes.users.some((u) => u.id === user.id))
      includes.users.push(pick(user, "user.fields", projection));
  };
  const { tweet } = post;
  if (expand("author_id") && !omitAuthor) addUser(post.author);
  if (expand("in_reply_to_user_id"))
    addUser(post.referenced?.find((r) => r.author.id === tweet.in_reply_to_user_id)?.author);
  const mentionedNames = new Set(
    [
      ...(expand("entities.mentions.username") ? (tweet.entities?.mentions ?? []) : []),
      ...(expand("entities.note.mentions.username") ? (tweet.note_tweet?.entities?.mentions ?? []) : []),
    ].map((m) => m.username),
  );
  for (const user of post.mentioned ?? []) if (mentionedNames.has(user.username)) addUser(user);
  for (const referenced of post.referenced ?? []) {
    if (expand("referenced_tweets.id"))
      includes.tweets.push(pick(referenced.tweet, "tweet.fields", projection) as Partial<XTweet>);
    if (expand("referenced_tweets.id.author_id")) addUser(referenced.author);
    if (expand("referenced_tweets.id.attachments.media_keys"))
      for (const m of referenced.media ?? []) includes.media.push(pick(m, "media.fields", projection));
  }
  if (expand("attachments.media_keys"))
    for (const m of post.media ?? []) includes.media.push(pick(m, "media.fields", projection));
  if (expand("geo.place_id"))
    for (const p of post.places ?? []) includes.places.push(pick(p, "place.fields", projection));
  if (expand("attachments.poll_ids"))
    for (const p of post.polls ?? []) includes.polls.push(pick(p, "poll.fields", projection));
  const present = Object.entries(includes).filter(([, list]) => list.length > 0);
  return present.length > 0 ? { data, includes: Object.fromEntries(present) } : { data };
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
