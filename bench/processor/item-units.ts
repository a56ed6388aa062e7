import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { toAttributeValues } from "../../processor/item-attributes.js";
import { toTweetItem } from "../../processor/tweet-item.js";
import type { CorpusPost } from "./corpus.js";

// DynamoDB's item size, by its documented rules, on the wire format (independently of the processor's own
// count): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
// Names and strings are their UTF-8 bytes, binaries their raw bytes, a boolean or null 1 byte, a number up to
// 21 bytes (counted here as its digits plus one, an upper bound), a list or map 3 bytes plus 1 per element
// plus the elements (a map's with their names). On-demand writes cost 1 write request unit per started KB.
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.B !== undefined) return value.B.length;
  if (value.N !== undefined) return Math.min(21, value.N.length + 1);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return value.L.reduce((sum, element) => sum + 1 + valueSize(element), 3);
  if (value.M !== undefined) return 3 + attributesSize(value.M, 1);
  throw new Error(`no size rule for ${Object.keys(value).join()}`);
}
function attributesSize(attributes: Record<string, AttributeValue>, perElement = 0): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes))
    size += perElement + Buffer.byteLength(name) + valueSize(value);
  return size;
}
export const dynamoDbItemSize = (item: Record<string, AttributeValue>) => attributesSize(item);
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

export interface UnitStats {
  items: number;
  meanUnits: number;
  medianUnits: number;
  maxUnits: number;
  meanBytes: number;
  medianBytes: number;
  maxBytes: number;
  meanRawBytes: number;
}

export function unitStats(items: readonly Record<string, AttributeValue>[]): UnitStats {
  const bytes = items.map(dynamoDbItemSize).sort((a, b) => a - b);
  const units = bytes.map(writeUnits);
  const raw = items.map((item) => (item.Raw?.B?.length ?? 0) + Buffer.byteLength(item.Raw?.S ?? ""));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const middle = Math.floor(items.length / 2);
  return {
    items: items.length,
    meanUnits: mean(units),
    medianUnits: units[middle] ?? 0,
    maxUnits: units.at(-1) ?? 0,
    meanBytes: mean(bytes),
    medianBytes: bytes[middle] ?? 0,
    maxBytes: bytes.at(-1) ?? 0,
    meanRawBytes: mean(raw),
  };
}

const PROCESSED_AT = "2026-12-01T00:00:02.000Z";

/** The items the processor writes for the posts, in DynamoDB's wire format. */
export const itemsNow = (posts: readonly CorpusPost[]) =>
  posts.map((post) => toAttributeValues(toTweetItem(post.event, PROCESSED_AT, () => post.json)));

/** The same items as written before the encoding: `Raw` the record's JSON as a String. */
export const itemsBefore = (posts: readonly CorpusPost[]) =>
  itemsNow(posts).map((item, i) => ({ ...item, Raw: { S: posts[i]?.json ?? "" } }));

/** The least any item can be while Message holds the whole text: the keys and Message alone. */
export const itemsFloor = (posts: readonly CorpusPost[]) =>
  itemsNow(posts).map(
    ({ Username, Id, Message }) => ({ Username, Id, Message }) as Record<string, AttributeValue>,
  );
