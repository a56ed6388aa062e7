import fc from "fast-check";
import type { Shape } from "../../attribute-types.js";
import { type AttributeName, ITEM_ATTRIBUTES, type TweetItem } from "../../item-attributes.js";

const text = fc.string({ unit: "grapheme", maxLength: 40 });
const postId = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
// Numbers as DynamoDB stores them (no magnitudes below 1E-130); -0 reads back as 0.
const dynamoNumber = fc
  .double({ min: -180, max: 180, noNaN: true })
  .filter((n) => n === 0 || Math.abs(n) >= 1e-130)
  .map((n) => n + 0);

/** A generator for any attribute of a shape, derived from the item's table (item-attributes.ts). */
export function arbitraryOf(shape: Shape): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case "S":
      return text;
    case "N":
      return dynamoNumber;
    case "B":
      return fc.uint8Array({ maxLength: 64 });
    case "BOOL":
      return fc.boolean();
    case "L":
      return fc.array(arbitraryOf(shape.of), { maxLength: 4 });
    case "M": {
      const fields = Object.fromEntries(Object.entries(shape.fields).map(([n, s]) => [n, arbitraryOf(s)]));
      return fc.record(fields, { requiredKeys: [...shape.required] });
    }
  }
}

// Where an attribute's values are narrower than its type: keys DynamoDB accepts, ids that are post ids.
const NARROWER: Partial<Record<AttributeName, fc.Arbitrary<unknown>>> = {
  Username: fc.string({ minLength: 1, maxLength: 15 }),
  Id: postId,
  ConversationId: postId,
  InReplyToUserId: postId,
  EditHistoryTweetIds: fc.array(postId, { minLength: 1, maxLength: 5 }),
  ExpiresAt: fc.integer({ min: 1_700_000_000, max: 2_100_000_000 }),
  Recovered: fc.constant(true),
  RawOmitted: fc.constantFrom("includes", "envelope"),
};

/** One generator per attribute of the table, narrowed where the values are. */
export const ATTRIBUTES = Object.fromEntries(
  (Object.keys(ITEM_ATTRIBUTES) as AttributeName[]).map((name) => [
    name,
    NARROWER[name] ?? arbitraryOf(ITEM_ATTRIBUTES[name].type.shape),
  ]),
) as Record<AttributeName, fc.Arbitrary<unknown>>;
const REQUIRED = (Object.keys(ITEM_ATTRIBUTES) as AttributeName[]).filter(
  (name) => ITEM_ATTRIBUTES[name].required,
);

export const tweetItem: fc.Arbitrary<TweetItem> = fc
  .record(ATTRIBUTES, { requiredKeys: REQUIRED })
  .map((item) => item as TweetItem);
/** Every attribute present: what the size and round-trip properties need to cover. */
export const fullItem: fc.Arbitrary<TweetItem> = fc.record(ATTRIBUTES).map((item) => item as TweetItem);
