import { marshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toAttributeValues } from "../dynamodb-writer.js";
import type { TweetItem } from "../tweet-item.js";

const text = fc.string({ unit: "grapheme", maxLength: 40 });

const tweetItem: fc.Arbitrary<TweetItem> = fc
  .record(
    {
      Username: fc.string({ minLength: 1, maxLength: 15 }),
      Id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
      Timestamp: text,
      Message: text,
      AuthorId: text,
      AuthorName: text,
      Lang: fc.constantFrom("en", "ja", "und", ""),
      MatchingRules: fc.array(text, { maxLength: 4 }),
      ReceivedAt: text,
      ProcessedAt: text,
    },
    { requiredKeys: ["Username", "Id", "Timestamp", "Message", "AuthorId", "AuthorName", "MatchingRules"] },
  )
  .map((item) => ({ ReceivedAt: "r", ProcessedAt: "p", ...item }));

describe("toAttributeValues", () => {
  it("writes the same wire item as the SDK's generic marshaller (what DocumentClient sends)", () => {
    fc.assert(
      fc.property(tweetItem, (item) => {
        expect(toAttributeValues(item)).toEqual(marshall(item));
      }),
    );
  });

  it("keeps an empty rule list as an empty list and leaves an absent Lang out", () => {
    // Prepare
    const item: TweetItem = {
      Username: "u",
      Id: "1",
      Timestamp: "t",
      Message: "",
      AuthorId: "2",
      AuthorName: "n",
      MatchingRules: [],
      ReceivedAt: "r",
      ProcessedAt: "p",
    };

    // Act
    const wire = toAttributeValues(item);

    // Assess
    expect(wire.MatchingRules).toEqual({ L: [] });
    expect(wire.Message).toEqual({ S: "" });
    expect(wire).not.toHaveProperty("Lang");
  });
});
