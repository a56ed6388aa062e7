import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fromAttributeValues,
  ITEM_ATTRIBUTE_NAMES,
  itemSize,
  toAttributeValues,
} from "../item-attributes.js";
import type { TweetItem } from "../tweet-item.js";
import { ATTRIBUTES, fullItem, tweetItem } from "./support/item-arbitraries.js";

describe("toAttributeValues (the wire format from ITEM_ATTRIBUTES)", () => {
  it("has an arbitrary for every attribute of the item definition, and no other", () => {
    expect(Object.keys(ATTRIBUTES).sort()).toEqual([...ITEM_ATTRIBUTE_NAMES].sort());
  });

  it("writes the same wire item as the SDK's generic marshaller (what DocumentClient sends)", () => {
    fc.assert(
      fc.property(tweetItem, (item) => {
        expect(toAttributeValues(item)).toEqual(marshall(item));
      }),
      { numRuns: 300 },
    );
  });

  it("writes every attribute of a full item, and reads back the same item (the SDK's and our reader)", () => {
    fc.assert(
      fc.property(fullItem, (item) => {
        const wire = toAttributeValues(item);
        expect(Object.keys(wire).sort()).toEqual([...ITEM_ATTRIBUTE_NAMES].sort());
        expect(unmarshall(wire)).toEqual(item);
        expect(fromAttributeValues(wire)).toEqual(item);
      }),
    );
  });

  it("keeps an empty rule list as an empty list and leaves absent attributes out", () => {
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

    const wire = toAttributeValues(item);

    expect(wire.MatchingRules).toEqual({ L: [] });
    expect(wire.Message).toEqual({ S: "" });
    expect(Object.keys(wire)).toHaveLength(9);
  });
});

/**
 * DynamoDB's size rules on the wire format (the SDK's, not ours): names and strings in UTF-8 bytes, a number as
 * its decimal form plus one byte (an upper bound), a boolean 1, a list or map 3 bytes plus 1 per element.
 */
const named = (name: string, value: AttributeValue): number => Buffer.byteLength(name) + wireSize(value);
function wireSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length + 1;
  if (value.BOOL !== undefined) return 1;
  if (value.B !== undefined) return value.B.length;
  if (value.L !== undefined) return value.L.reduce((sum, element) => sum + 1 + wireSize(element), 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + named(name, element), 3);
  }
  throw new Error(`unexpected attribute type ${Object.keys(value).join()}`);
}

describe("itemSize", () => {
  it("counts an item's size by DynamoDB's rules, over every attribute", () => {
    fc.assert(
      fc.property(fullItem, (item) => {
        const wire = marshall(item);
        const reference = Object.entries(wire).reduce((sum, [name, value]) => sum + named(name, value), 0);
        expect(itemSize(item)).toBe(reference);
      }),
    );
  });
});
