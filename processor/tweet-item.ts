import type { TweetEvent, TweetEventV2 } from "../events/index.js";
import { fitRaw } from "./item-limits.js";
import { postAttributes } from "./post-attributes.js";

/**
 * The DynamoDB item for one post, in the seed's `<stack>-EventData` shape: key (Username, Id). Its wire format
 * and size come from one definition, `ITEM_ATTRIBUTES` in item-attributes.ts, which the compiler holds to
 * exactly these attributes. Attributes after `ProcessedAt` come from envelope v2 and are present only when the
 * post has them; a v1 record has none of them.
 */
export interface TweetItem {
  /** Partition key: the author's username. */
  Username: string;
  /** Sort key: the post id (decimal string). */
  Id: string;
  Timestamp: string;
  /** The full text: v2 sends a long post's `note_tweet.text` and a retweet's original in full. */
  Message: string;
  AuthorId: string;
  AuthorName: string;
  Lang?: string;
  /** Tags of the filtered-stream rules the post matched (the rule id when a rule has no tag). */
  MatchingRules: string[];
  ReceivedAt: string;
  ProcessedAt: string;
  /** Hashtags of the full text (a retweet: also the original's), without `#`, in order, no repeats. */
  Hashtags?: string[];
  /** Usernames mentioned, without `@`. */
  Mentions?: string[];
  /** Expanded URLs (`expanded_url`), not X's t.co links. */
  Urls?: string[];
  /** `referenced_tweets`: what this post retweets, quotes or replies to. */
  ReferencedTweets?: { Type: string; Id: string }[];
  ConversationId?: string;
  InReplyToUserId?: string;
  /** All versions of the post, oldest first; earlier versions' items are deleted when this one is written. */
  EditHistoryTweetIds?: string[];
  /** `data.geo`: the tagged place and, when shared, the exact point as [longitude, latitude]. */
  Geo?: { PlaceId?: string; Coordinates?: number[] };
  /** Present (true) when the post was fetched after a disconnect rather than read live. */
  Recovered?: boolean;
  /** The v2 envelope as a JSON string: a string, never a map (DynamoDB Local rejects empty keys and deep nesting). */
  Raw?: string;
  /** Why Raw is incomplete: "includes" (Raw lacks the includes) or "envelope" (no Raw) to stay under 400 KB. */
  RawOmitted?: "includes" | "envelope";
}

/** The primary key of an item. */
export type ItemKey = Pick<TweetItem, "Username" | "Id">;

/**
 * The item for one event. `receivedJson` returns the record's JSON as it came off the stream, for `Raw`: it is
 * the envelope, byte for byte, and decoding it costs about a fifth of serializing the parsed event again.
 */
export function toTweetItem(event: TweetEvent, processedAt: string, receivedJson?: () => string): TweetItem {
  const item: TweetItem = {
    Username: event.author.username,
    Id: event.id,
    Timestamp: event.createdAt,
    Message: event.text,
    AuthorId: event.author.id,
    AuthorName: event.author.name,
    MatchingRules: (event.matchingRules ?? []).map((rule) => rule.tag ?? rule.id),
    ReceivedAt: event.receivedAt,
    ProcessedAt: processedAt,
  };
  if (event.lang !== undefined) item.Lang = event.lang;
  if (event.v === 2) addV2Attributes(item, event, receivedJson);
  return item;
}

function addV2Attributes(item: TweetItem, event: TweetEventV2, receivedJson?: () => string): void {
  Object.assign(item, postAttributes(event));
  if (event.recovered === true) item.Recovered = true;
  fitRaw(item, event, receivedJson?.() ?? JSON.stringify(event));
}

/**
 * The item's primary key as one string, for deduplication. The username's length in front keeps the two
 * parts unambiguous (as JSON would, at a fraction of the cost: this runs several times per record).
 */
export function itemKey(item: ItemKey): string {
  return `${item.Username.length}:${item.Username}${item.Id}`;
}
