import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { itemSize } from "../item-attributes.js";
import {
  checkItemLimits,
  MAX_ITEM_BYTES,
  MAX_PARTITION_KEY_BYTES,
  MAX_SORT_KEY_BYTES,
} from "../item-limits.js";
import { itemKey, toTweetItem } from "../tweet-item.js";
import { tweet } from "./support/records.js";

describe("toTweetItem", () => {
  it("maps the event onto the seed's item shape, rule tags falling back to rule ids", () => {
    const item = toTweetItem(tweet(7), "2026-11-25T12:00:05.000Z");

    expect(item).toEqual({
      Username: "user7",
      Id: tweet(7).id,
      Timestamp: "2026-11-25T12:00:00.000Z",
      Message: tweet(7).text,
      AuthorId: "1007",
      AuthorName: "User 7",
      Lang: "en",
      MatchingRules: ["aws", "r2"],
      ReceivedAt: "2026-11-25T12:00:00.250Z",
      ProcessedAt: "2026-11-25T12:00:05.000Z",
    });
  });

  it("leaves Lang out and writes an empty rule list when the event has neither", () => {
    const item = toTweetItem(tweet(1, { lang: undefined, matchingRules: undefined }), "t");

    expect(item).not.toHaveProperty("Lang");
    expect(item.MatchingRules).toEqual([]);
  });

  it("keys distinct (Username, Id) pairs apart, whatever characters they hold", () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.string()),
        fc.tuple(fc.string(), fc.string()),
        ([u1, i1], [u2, i2]) => {
          const same = u1 === u2 && i1 === i2;
          expect(itemKey({ Username: u1, Id: i1 }) === itemKey({ Username: u2, Id: i2 })).toBe(same);
        },
      ),
    );
  });
});

describe("checkItemLimits", () => {
  it("accepts a normal tweet", () => {
    expect(checkItemLimits(toTweetItem(tweet(1), "t"))).toBeUndefined();
  });

  it("names the partition key limit, counting UTF-8 bytes, not characters", () => {
    const item = toTweetItem(tweet(1, { author: { id: "1", username: "ü".repeat(1025), name: "x" } }), "t");

    expect(checkItemLimits(item)).toEqual({
      kind: "key-too-large",
      message: "Username is 2050 bytes; DynamoDB allows 2048 for a partition key",
    });
  });

  it("agrees with exact UTF-8 counts near every limit, whatever mix of 1- to 4-byte characters", () => {
    const near = (units: number) =>
      fc.string({
        unit: fc.constantFrom("a", "\u00fc", "\u20ac", "\u{1f600}"),
        minLength: units,
        maxLength: units,
      });
    fc.assert(
      fc.property(
        near(600),
        fc.nat({ max: 700 }),
        fc.nat({ max: 600 }),
        fc.nat({ max: 150_000 }),
        fc.constantFrom("a", "\u00fc", "\u20ac", "\u{1f600}"),
        (username, extraUser, idLength, textLength, char) => {
          const item = toTweetItem(
            tweet(1, {
              id: char.repeat(idLength),
              text: char.repeat(textLength),
              author: { id: "1", username: username + char.repeat(extraUser), name: "n" },
            }),
            "t",
          );
          const exact =
            Buffer.byteLength(item.Username) > MAX_PARTITION_KEY_BYTES ||
            Buffer.byteLength(item.Id) > MAX_SORT_KEY_BYTES
              ? "key-too-large"
              : itemSize(item) > MAX_ITEM_BYTES
                ? "item-too-large"
                : undefined;
          expect(checkItemLimits(item)?.kind).toBe(exact);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("names the item size limit", () => {
    const item = toTweetItem(tweet(1, { text: "x".repeat(MAX_ITEM_BYTES) }), "t");

    expect(checkItemLimits(item)?.kind).toBe("item-too-large");
    expect(itemSize(item)).toBeGreaterThan(MAX_ITEM_BYTES);
  });
});
