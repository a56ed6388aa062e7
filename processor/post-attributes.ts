import { entitiesOf, referencesOf, type TweetEventV2, type XObject } from "../events/index.js";

// Readers of X's post object for the item's v2 attributes (item-attributes.ts says which attribute reads
// what). Each returns undefined when the post has nothing to store, so the attribute is left out.

const isObject = (value: unknown): value is XObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
/** A non-empty string, else undefined. */
export const stringOf = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
/** A non-empty list, else undefined. */
export const listOrNone = <T>(values: T[]): T[] | undefined => (values.length > 0 ? values : undefined);

export type Entities = ReturnType<typeof entitiesOf>;

/** Hashtags, mentions and URLs of the full text: a retweet's include its original's, which Message holds. */
export function itemEntities(event: TweetEventV2): Entities {
  const entities = entitiesOf(event.data);
  const original = retweetedOriginal(event);
  if (original !== undefined) {
    const more = entitiesOf(original);
    entities.hashtags = union(entities.hashtags, more.hashtags);
    entities.mentions = union(entities.mentions, more.mentions);
    entities.urls = union(entities.urls, more.urls);
  }
  return entities;
}

export function referencedTweets(post: XObject) {
  return listOrNone(referencesOf(post).map((r) => ({ Type: r.type, Id: r.id })));
}

export function editHistory(post: XObject) {
  const history = post.edit_history_tweet_ids;
  return Array.isArray(history)
    ? listOrNone(history.filter((id): id is string => stringOf(id) !== undefined))
    : undefined;
}

function retweetedOriginal(event: TweetEventV2): XObject | undefined {
  const retweeted = referencesOf(event.data).find((ref) => ref.type === "retweeted");
  if (retweeted === undefined) return undefined;
  return event.includes?.tweets?.find((tweet) => tweet.id === retweeted.id);
}

function union(first: string[], second: string[]): string[] {
  return second.length === 0 ? first : [...new Set([...first, ...second])];
}

/**
 * A longitude or latitude within DynamoDB's number range (magnitudes 1E-130 to 1E+126, and 0): a number outside
 * it would fail the whole 25-item call, so such coordinates are left out.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
const isDegrees = (value: unknown): value is number =>
  typeof value === "number" && Math.abs(value) <= 180 && (value === 0 || Math.abs(value) >= 1e-130);

/** X's `geo`: `{ place_id?, coordinates?: { type: "Point", coordinates: [longitude, latitude] } }`. */
export function geoOf(geo: unknown): { PlaceId?: string; Coordinates?: number[] } | undefined {
  if (!isObject(geo)) return undefined;
  const out: { PlaceId?: string; Coordinates?: number[] } = {};
  const placeId = stringOf(geo.place_id);
  if (placeId !== undefined) out.PlaceId = placeId;
  const point = isObject(geo.coordinates) ? geo.coordinates.coordinates : undefined;
  if (Array.isArray(point) && point.length > 0 && point.every(isDegrees)) out.Coordinates = point;
  return Object.keys(out).length > 0 ? out : undefined;
}
