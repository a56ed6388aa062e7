import type { TweetEventV2 } from "../events/index.js";
import { encodeStoredRecord } from "../events/stored-record.js";
import { boundBytes, utf8Bytes } from "./attribute-types.js";
import { itemSize, type TweetItem } from "./item-attributes.js";

// DynamoDB's limits: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;
export const MAX_ITEM_BYTES = 400 * 1024;

export type ItemLimitKind = "key-too-large" | "item-too-large";

/** Whether the item is within 400 KB: the cheap bound first (every ordinary post), the exact count near it. */
export function fitsItemLimit(item: TweetItem): boolean {
  return itemSize(item, boundBytes) <= MAX_ITEM_BYTES || itemSize(item, utf8Bytes) <= MAX_ITEM_BYTES;
}

/**
 * Sets `Raw` to the envelope's JSON (`json`, as text or its UTF-8 bytes), encoded (events/stored-record.ts), when the item stays within
 * 400 KB with it; otherwise to the envelope without its includes (`RawOmitted: "includes"`); otherwise leaves
 * Raw out (`RawOmitted: "envelope"`). The post's own attributes are never given up for Raw.
 */
export function fitRaw(item: TweetItem, event: TweetEventV2, json: string | Uint8Array): void {
  item.Raw = encodeStoredRecord(json, item.Message);
  if (fitsItemLimit(item)) return;
  if (event.includes !== undefined) {
    item.Raw = encodeStoredRecord(JSON.stringify({ ...event, includes: undefined }), item.Message);
    item.RawOmitted = "includes";
    if (fitsItemLimit(item)) return;
  }
  delete item.Raw;
  item.RawOmitted = "envelope";
}

/**
 * Checks the limits DynamoDB would enforce by rejecting the whole 25-item call with a ValidationException,
 * which retrying can never fix: such an item is dead-lettered instead of blocking its shard.
 */
export function checkItemLimits(item: TweetItem): { kind: ItemLimitKind; message: string } | undefined {
  // What is below a limit by the 3-bytes-per-code-unit bound (every real post) skips the exact count.
  const usernameBytes = boundBytes(item.Username) > MAX_PARTITION_KEY_BYTES ? utf8Bytes(item.Username) : 0;
  if (usernameBytes > MAX_PARTITION_KEY_BYTES) {
    return {
      kind: "key-too-large",
      message: `Username is ${usernameBytes} bytes; DynamoDB allows ${MAX_PARTITION_KEY_BYTES} for a partition key`,
    };
  }
  const idBytes = boundBytes(item.Id) > MAX_SORT_KEY_BYTES ? utf8Bytes(item.Id) : 0;
  if (idBytes > MAX_SORT_KEY_BYTES) {
    return {
      kind: "key-too-large",
      message: `Id is ${idBytes} bytes; DynamoDB allows ${MAX_SORT_KEY_BYTES}`,
    };
  }
  if (!fitsItemLimit(item)) {
    return {
      kind: "item-too-large",
      message: `item is about ${itemSize(item)} bytes; DynamoDB allows ${MAX_ITEM_BYTES}`,
    };
  }
  return undefined;
}
