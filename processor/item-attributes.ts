import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { TweetItem } from "./tweet-item.js";

/** How a string's bytes are counted: exactly (UTF-8), or as a cheap upper bound. */
export type ByteCount = (value: string) => number;
export const utf8Bytes: ByteCount = (value) => Buffer.byteLength(value, "utf8");
/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
export const boundBytes: ByteCount = (value) => value.length * 3;

/** One attribute type: its DynamoDB wire format and its size by DynamoDB's rules. */
interface AttributeType<T> {
  wire(value: T): AttributeValue;
  size(value: T, bytes: ByteCount): number;
}

// Sizes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
// A list or map is 3 bytes plus 1 per element plus its elements; a map's element sizes include their names.
// A number is at most 21 bytes; its decimal form plus one byte is an upper bound that is close for coordinates.
const string: AttributeType<string> = {
  wire: (value) => ({ S: value }),
  size: (value, bytes) => bytes(value),
};
const boolean: AttributeType<boolean> = { wire: (value) => ({ BOOL: value }), size: () => 1 };
const number: AttributeType<number> = {
  wire: (value) => ({ N: String(value) }),
  size: (value) => String(value).length + 1,
};

function listOf<T>(element: AttributeType<T>): AttributeType<readonly T[]> {
  return {
    wire: (values) => ({ L: values.map((value) => element.wire(value)) }),
    size: (values, bytes) => {
      let size = 3 + values.length;
      for (const value of values) size += element.size(value, bytes);
      return size;
    },
  };
}

type Fields<T> = { [K in keyof T]-?: AttributeType<NonNullable<T[K]>> };

/** A map of named attributes; absent ones are left out, as the SDK's marshaller does. */
function mapOf<T extends object>(fields: Fields<T>): AttributeType<T> {
  const names = Object.keys(fields) as (keyof T & string)[];
  return {
    wire: (value) => ({ M: wireOf(value, names, fields) }),
    size: (value, bytes) => 3 + sizeOf(value, names, fields, bytes, 1),
  };
}

function wireOf<T>(value: T, names: readonly (keyof T & string)[], fields: Fields<T>) {
  const wire: Record<string, AttributeValue> = {};
  for (const name of names) {
    const field = value[name];
    if (field !== undefined) wire[name] = fields[name].wire(field as NonNullable<T[typeof name]>);
  }
  return wire;
}

function sizeOf<T>(
  value: T,
  names: readonly (keyof T & string)[],
  fields: Fields<T>,
  bytes: ByteCount,
  perElement: number,
): number {
  let size = 0;
  for (const name of names) {
    const field = value[name];
    if (field === undefined) continue;
    size += perElement + bytes(name) + fields[name].size(field as NonNullable<T[typeof name]>, bytes);
  }
  return size;
}

/**
 * The one definition of the item's attributes and their DynamoDB types. Typed against `TweetItem`, so an
 * attribute added to the item without a type here (or here without the item) does not compile, and the
 * property test in processor/test/dynamodb-writer.test.ts generates every attribute listed here.
 */
export const ITEM_ATTRIBUTES: Fields<TweetItem> = {
  Username: string,
  Id: string,
  Timestamp: string,
  Message: string,
  AuthorId: string,
  AuthorName: string,
  Lang: string,
  MatchingRules: listOf(string),
  ReceivedAt: string,
  ProcessedAt: string,
  Hashtags: listOf(string),
  Mentions: listOf(string),
  Urls: listOf(string),
  ReferencedTweets: listOf(mapOf<{ Type: string; Id: string }>({ Type: string, Id: string })),
  ConversationId: string,
  InReplyToUserId: string,
  EditHistoryTweetIds: listOf(string),
  Geo: mapOf<{ PlaceId?: string; Coordinates?: number[] }>({ PlaceId: string, Coordinates: listOf(number) }),
  Recovered: boolean,
  Raw: string,
  RawOmitted: string,
};

export const ITEM_ATTRIBUTE_NAMES = Object.keys(ITEM_ATTRIBUTES) as (keyof TweetItem)[];

/**
 * The item in DynamoDB's wire format, as lib-dynamodb's DocumentClient would send it (an empty list stays
 * `{ L: [] }`, an absent attribute stays absent), without its generic marshaller, which was about 6% of
 * the processor's CPU per record.
 */
export function toAttributeValues(item: TweetItem): Record<string, AttributeValue> {
  return wireOf(item, ITEM_ATTRIBUTE_NAMES, ITEM_ATTRIBUTES);
}

/** DynamoDB's item size: attribute names plus values. With `boundBytes`, an upper bound that is cheap. */
export function itemSize(item: TweetItem, bytes: ByteCount = utf8Bytes): number {
  return sizeOf(item, ITEM_ATTRIBUTE_NAMES, ITEM_ATTRIBUTES, bytes, 0);
}
