import type { TweetEvent } from "../events/index.js";
import { readAttributes, type TweetItem } from "./item-attributes.js";
import { fitRaw } from "./item-limits.js";
import { itemEntities } from "./post-attributes.js";

export type { TweetItem } from "./item-attributes.js";

/** The primary key of an item. */
export type ItemKey = Pick<TweetItem, "Username" | "Id">;

/**
 * The item for one event (item-attributes.ts defines every attribute). `receivedJson` returns the record's
 * JSON as it came off the stream, for `Raw`: it is the envelope, byte for byte, and costs nothing to get where
 * serializing the parsed event again cost about five times its decoding. As the record's UTF-8 bytes (what the
 * processor holds) it is cheapest: `Raw` is encoded from bytes. `expiresAt` (epoch seconds) is set when
 * retention is on.
 */
export function toTweetItem(
  event: TweetEvent,
  processedAt: string,
  receivedJson?: () => string | Uint8Array,
  expiresAt?: number,
): TweetItem {
  const v2 = event.v === 2 ? event : undefined;
  const entities = v2 === undefined ? undefined : itemEntities(v2);
  const item = readAttributes({ event, v2, entities, processedAt, expiresAt });
  if (v2 !== undefined) fitRaw(item, v2, receivedJson?.() ?? JSON.stringify(v2));
  return item;
}

/**
 * The item's primary key as one string, for deduplication. The username's length in front keeps the two
 * parts unambiguous (as JSON would, at a fraction of the cost: this runs several times per record).
 */
export function itemKey(item: ItemKey): string {
  return `${item.Username.length}:${item.Username}${item.Id}`;
}
