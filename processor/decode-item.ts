import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { decodeStoredRecord } from "../events/stored-record.js";
import { fromAttributeValues, type TweetItem } from "./item-attributes.js";

/** An item as a consumer reads it: every attribute as a plain value, `Raw` the record's JSON string. */
export type DecodedItem = Omit<TweetItem, "Raw"> & { Raw?: string };

/**
 * The one call a consumer needs: an item as DynamoDB returns it (GetItem, Query, Scan: attribute values) to
 * plain values, with `Raw` decoded to the record's JSON exactly as the processor received it, whether the
 * item was written with the encoding (`Raw` Binary) or before it (`Raw` String). Attributes this version does
 * not know are left out. Throws when `Raw` is of a format this version does not know.
 */
export function decodeItem(wire: Record<string, AttributeValue>): DecodedItem {
  const { Raw: raw, ...rest } = wire;
  const { Raw: _stillEncoded, ...item } = fromAttributeValues(rest);
  const decoded: DecodedItem = item;
  if (raw?.B !== undefined) decoded.Raw = decodeStoredRecord({ B: raw.B }, item.Message);
  else if (raw?.S !== undefined) decoded.Raw = raw.S;
  return decoded;
}

/** The post's record (the envelope) of a decoded item, parsed; undefined when the item has none (v1). */
export function recordOf(item: DecodedItem): unknown {
  return item.Raw === undefined ? undefined : JSON.parse(item.Raw);
}
