import { entitiesOf, referencesOf, type TweetEventV2, type XObject } from "../events/index.js";
import type { TweetItem } from "./tweet-item.js";

/** The attributes a v2 envelope adds to the item, read from X's post object; absent when the post has none. */
export type PostAttributes = Pick<
  TweetItem,
  | "Hashtags"
  | "Mentions"
  | "Urls"
  | "ReferencedTweets"
  | "ConversationId"
  | "InReplyToUserId"
  | "EditHistoryTweetIds"
  | "Geo"
>;

const isObject = (value: unknown): value is XObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const stringOf = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

export function postAttributes(event: TweetEventV2): PostAttributes {
  const post = event.data;
  const attributes: PostAttributes = {};
  const entities = entitiesOf(post);
  // Message holds a retweet's original in full, so the original's entities belong to the item too (the
  // retweet's own entities cover only its cut text).
  const original = retweetedOriginal(event);
  if (original !== undefined) {
    const more = entitiesOf(original);
    entities.hashtags = union(entities.hashtags, more.hashtags);
    entities.mentions = union(entities.mentions, more.mentions);
    entities.urls = union(entities.urls, more.urls);
  }
  if (entities.hashtags.length > 0) attributes.Hashtags = entities.hashtags;
  if (entities.mentions.length > 0) attributes.Mentions = entities.mentions;
  if (entities.urls.length > 0) attributes.Urls = entities.urls;

  const references = referencesOf(post);
  if (references.length > 0)
    attributes.ReferencedTweets = references.map((r) => ({ Type: r.type, Id: r.id }));
  const conversationId = stringOf(post.conversation_id);
  if (conversationId !== undefined) attributes.ConversationId = conversationId;
  const inReplyTo = stringOf(post.in_reply_to_user_id);
  if (inReplyTo !== undefined) attributes.InReplyToUserId = inReplyTo;
  const history = Array.isArray(post.edit_history_tweet_ids)
    ? post.edit_history_tweet_ids.filter((id): id is string => stringOf(id) !== undefined)
    : [];
  if (history.length > 0) attributes.EditHistoryTweetIds = history;
  const geo = geoOf(post.geo);
  if (geo !== undefined) attributes.Geo = geo;
  return attributes;
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
function geoOf(geo: unknown): TweetItem["Geo"] {
  if (!isObject(geo)) return undefined;
  const out: NonNullable<TweetItem["Geo"]> = {};
  const placeId = stringOf(geo.place_id);
  if (placeId !== undefined) out.PlaceId = placeId;
  const point = isObject(geo.coordinates) ? geo.coordinates.coordinates : undefined;
  if (Array.isArray(point) && point.length > 0 && point.every(isDegrees)) out.Coordinates = point;
  return Object.keys(out).length > 0 ? out : undefined;
}
