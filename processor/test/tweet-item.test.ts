import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkItemLimits, itemKey, itemSize, MAX_ITEM_BYTES, toTweetItem } from "../tweet-item.js";
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

  it("names the item size limit", () => {
    const item = toTweetItem(tweet(1, { text: "x".repeat(MAX_ITEM_BYTES) }), "t");

    expect(checkItemLimits(item)?.kind).toBe("item-too-large");
    expect(itemSize(item)).toBeGreaterThan(MAX_ITEM_BYTES);
  });
});
