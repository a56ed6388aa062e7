// Pure readers of X's post objects (API v2 wire format), shared by the producer (which builds the envelope),
// the processor (which flattens it into an item) and the tests. Nothing here throws on a field X left out:
// every field but `id` and `text` depends on what was requested.

/** Any X object: only the fields read here are typed; the rest is kept as received. */
export type XObject = Record<string, unknown>;

export interface XPost extends XObject {
  id: string;
  text: string;
}

export interface XIncludes {
  users?: XObject[];
  tweets?: XObject[];
  media?: XObject[];
  places?: XObject[];
  polls?: XObject[];
  [other: string]: unknown;
}

export type ReferenceType = "retweeted" | "quoted" | "replied_to";

export interface PostReference {
  type: string;
  id: string;
}

const isObject = (value: unknown): value is XObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const stringsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

/** The post's own whole text: a post over 280 characters carries it only in `note_tweet.text`. */
export function wholeText(post: XObject): string {
  const note = post.note_tweet;
  if (isObject(note) && typeof note.text === "string") return note.text;
  return stringOf(post.text) ?? "";
}

/** `referenced_tweets` as X sent it, malformed entries left out. */
export function referencesOf(post: XObject): PostReference[] {
  const refs = post.referenced_tweets;
  if (!Array.isArray(refs)) return [];
  const out: PostReference[] = [];
  for (const ref of refs) {
    if (isObject(ref) && typeof ref.type === "string" && typeof ref.id === "string") {
      out.push({ type: ref.type, id: ref.id });
    }
  }
  return out;
}

const byId = (objects: XObject[] | undefined, id: string | undefined) =>
  id === undefined ? undefined : objects?.find((object) => object.id === id);

// A retweet's own text is "RT @user: " and the original cut short; the original's author is named there even
// when X sent no `referenced_tweets.id.author_id` expansion.
const RETWEET_PREFIX = /^RT @([A-Za-z0-9_]{1,15}): /;

/**
 * The full text of a post: `note_tweet.text` when present; for a retweet whose original is in the includes,
 * `RT @<original author>: ` followed by the original's whole text. Otherwise the text as received.
 */
export function fullText(post: XObject, includes?: XIncludes): string {
  const retweeted = referencesOf(post).find((ref) => ref.type === "retweeted");
  const original = retweeted ? byId(includes?.tweets, retweeted.id) : undefined;
  if (original === undefined) return wholeText(post);
  const author = byId(includes?.users, stringOf(original.author_id));
  const username = stringOf(author?.username) ?? RETWEET_PREFIX.exec(stringOf(post.text) ?? "")?.[1];
  if (username === undefined) return wholeText(post);
  return `RT @${username}: ${wholeText(original)}`;
}

function entityValues(post: XObject, kind: string, field: string): string[] {
  // A long post's entities are those of its whole text, under note_tweet; the top-level ones cover the cut text.
  const note = post.note_tweet;
  const entities = isObject(note) && isObject(note.entities) ? note.entities : post.entities;
  if (!isObject(entities)) return [];
  const list = entities[kind];
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const entity of list) {
    const value = isObject(entity) ? stringOf(entity[field]) : undefined;
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** Hashtags, mentioned usernames and expanded URLs of the post's whole text, in order, without repeats. */
export function entitiesOf(post: XObject): { hashtags: string[]; mentions: string[]; urls: string[] } {
  const unique = (values: string[]) => [...new Set(values)];
  return {
    hashtags: unique(entityValues(post, "hashtags", "tag")),
    mentions: unique(entityValues(post, "mentions", "username")),
    urls: unique(entityValues(post, "urls", "expanded_url")),
  };
}

/**
 * The include objects that one post references: its author, the users it mentions or replies to, the posts it
 * refers to and their authors, media (its own and its referenced posts'), places and polls. A stream message
 * carries only its post's includes; a search page shares one `includes` among up to 100 posts.
 */
export function referencedIncludes(post: XObject, includes: XIncludes | undefined): XIncludes | undefined {
  if (includes === undefined) return undefined;
  const posts = referencesOf(post)
    .map((ref) => byId(includes.tweets, ref.id))
    .filter((found): found is XObject => found !== undefined);
  const all = [post, ...posts];
  const userIds = new Set<string>();
  const usernames = new Set<string>();
  const mediaKeys = new Set<string>();
  const placeIds = new Set<string>();
  const pollIds = new Set<string>();
  for (const each of all) {
    for (const id of [each.author_id, each.in_reply_to_user_id]) if (typeof id === "string") userIds.add(id);
    for (const name of entitiesOf(each).mentions) usernames.add(name);
    const attachments = isObject(each.attachments) ? each.attachments : {};
    for (const key of stringsOf(attachments.media_keys)) mediaKeys.add(key);
    for (const id of stringsOf(attachments.poll_ids)) pollIds.add(id);
    const placeId = isObject(each.geo) ? stringOf(each.geo.place_id) : undefined;
    if (placeId !== undefined) placeIds.add(placeId);
  }
  const pick = (objects: XObject[] | undefined, keep: (object: XObject) => boolean) => {
    const kept = objects?.filter(keep) ?? [];
    return kept.length > 0 ? kept : undefined;
  };
  const postIds = new Set(posts.map((each) => each.id));
  const selected: XIncludes = {
    users: pick(
      includes.users,
      (user) => userIds.has(user.id as string) || usernames.has(user.username as string),
    ),
    tweets: pick(includes.tweets, (tweet) => postIds.has(tweet.id)),
    media: pick(includes.media, (media) => mediaKeys.has(media.media_key as string)),
    places: pick(includes.places, (place) => placeIds.has(place.id as string)),
    polls: pick(includes.polls, (poll) => pollIds.has(poll.id as string)),
  };
  for (const key of Object.keys(selected) as (keyof XIncludes)[]) {
    if (selected[key] === undefined) delete selected[key];
  }
  return Object.keys(selected).length > 0 ? selected : undefined;
}
