import fc from "fast-check";
import type { TweetItem } from "../../tweet-item.js";
import { V1_ATTRIBUTES } from "./v2-records.js";

const text = fc.string({ unit: "grapheme", maxLength: 40 });
const texts = fc.array(text, { maxLength: 4 });
const postId = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
// Degrees as DynamoDB stores them (no magnitudes below 1E-130); -0 reads back as 0.
const degrees = fc
  .double({ min: -180, max: 180, noNaN: true })
  .filter((n) => n === 0 || Math.abs(n) >= 1e-130)
  .map((n) => n + 0);

/**
 * One arbitrary per attribute of the item type: the mapped type makes an attribute added to `TweetItem`
 * without one here a compile error, and the test below checks the list against `ITEM_ATTRIBUTES`.
 */
export const ATTRIBUTES: { [K in keyof TweetItem]-?: fc.Arbitrary<NonNullable<TweetItem[K]>> } = {
  Username: fc.string({ minLength: 1, maxLength: 15 }),
  Id: postId,
  Timestamp: text,
  Message: text,
  AuthorId: text,
  AuthorName: text,
  Lang: fc.constantFrom("en", "ja", "und", ""),
  MatchingRules: texts,
  ReceivedAt: text,
  ProcessedAt: text,
  Hashtags: texts,
  Mentions: texts,
  Urls: texts,
  ReferencedTweets: fc.array(
    fc.record({ Type: fc.constantFrom("retweeted", "quoted", "replied_to"), Id: postId }),
    { maxLength: 3 },
  ),
  ConversationId: postId,
  InReplyToUserId: postId,
  EditHistoryTweetIds: fc.array(postId, { minLength: 1, maxLength: 5 }),
  Geo: fc.record(
    { PlaceId: fc.string({ minLength: 1, maxLength: 16 }), Coordinates: fc.array(degrees, { maxLength: 2 }) },
    { requiredKeys: [] },
  ),
  Recovered: fc.constant(true),
  Raw: fc.json(),
  RawOmitted: fc.constantFrom("includes", "envelope"),
};
export const tweetItem: fc.Arbitrary<TweetItem> = fc
  .record(ATTRIBUTES, { requiredKeys: V1_ATTRIBUTES.filter((name) => name !== "Lang") })
  .map((item) => item as TweetItem);
/** Every attribute present: what the size and round-trip properties need to cover. */
export const fullItem: fc.Arbitrary<TweetItem> = fc.record(ATTRIBUTES);
