import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { TweetEvent, TweetEventV2 } from "../events/index.js";
import {
  type AttributeType,
  type ByteCount,
  binary,
  boolean,
  listOf,
  mapOf,
  number,
  readOf,
  sizeOf,
  string,
  utf8Bytes,
  wireOf,
} from "./attribute-types.js";
import {
  type Entities,
  editHistory,
  geoOf,
  listOrNone,
  referencedTweets,
  stringOf,
} from "./post-attributes.js";

/** What the attributes are read from: the event (and its v2 form), the post's entities (read once), times. */
export interface ItemSource {
  event: TweetEvent;
  v2: TweetEventV2 | undefined;
  entities: Entities | undefined;
  processedAt: string;
  /** Epoch seconds after which DynamoDB's TTL deletes the item; undefined when retention is off. */
  expiresAt: number | undefined;
}

interface Row<T, Required extends boolean> {
  type: AttributeType<T>;
  required: Required;
  /** The value for this post; undefined leaves the attribute out. */
  from(source: ItemSource): T | undefined;
}
const required = <T>(type: AttributeType<T>, from: (source: ItemSource) => T): Row<T, true> => ({
  type,
  required: true,
  from,
});
const optional = <T>(type: AttributeType<T>, from: (source: ItemSource) => T | undefined): Row<T, false> => ({
  type,
  required: false,
  from,
});
const none = () => undefined;

/**
 * The item, one row per attribute: its DynamoDB type and how its value is read from the post. Everything
 * else is derived from this table: the `TweetItem` type, the wire format (`toAttributeValues`), the decoder
 * (`fromAttributeValues`), DynamoDB's item size (`itemSize`) and the tests' generators
 * (test/support/item-arbitraries.ts). Keys: `Username` (partition) and `Id` (sort), the seed's
 * `<stack>-EventData` shape; rows after `ProcessedAt` are envelope v2's and present only when the post has them.
 */
export const ITEM_ATTRIBUTES = {
  Username: required(string, (s) => s.event.author.username),
  Id: required(string, (s) => s.event.id),
  Timestamp: required(string, (s) => s.event.createdAt),
  /** The full text: `note_tweet.text`; a retweet `RT @author: ` and the original's full text. */
  Message: required(string, (s) => s.event.text),
  AuthorId: required(string, (s) => s.event.author.id),
  AuthorName: required(string, (s) => s.event.author.name),
  Lang: optional(string, (s) => s.event.lang),
  /** Tags of the filtered-stream rules the post matched (the rule id when a rule has no tag). */
  MatchingRules: required(listOf(string), (s) => (s.event.matchingRules ?? []).map((r) => r.tag ?? r.id)),
  ReceivedAt: required(string, (s) => s.event.receivedAt),
  ProcessedAt: required(string, (s) => s.processedAt),
  Hashtags: optional(listOf(string), (s) => listOrNone(s.entities?.hashtags ?? [])),
  Mentions: optional(listOf(string), (s) => listOrNone(s.entities?.mentions ?? [])),
  Urls: optional(listOf(string), (s) => listOrNone(s.entities?.urls ?? [])),
  ReferencedTweets: optional(listOf(mapOf({ Type: string, Id: string }, {})), (s) =>
    s.v2 ? referencedTweets(s.v2.data) : undefined,
  ),
  ConversationId: optional(string, (s) => stringOf(s.v2?.data.conversation_id)),
  InReplyToUserId: optional(string, (s) => stringOf(s.v2?.data.in_reply_to_user_id)),
  /** All versions of the post, oldest first; earlier versions' items are deleted when this one is written. */
  EditHistoryTweetIds: optional(listOf(string), (s) => (s.v2 ? editHistory(s.v2.data) : undefined)),
  Geo: optional(mapOf({}, { PlaceId: string, Coordinates: listOf(number) }), (s) => geoOf(s.v2?.data.geo)),
  Recovered: optional(boolean, (s) => (s.v2?.recovered === true ? true : undefined)),
  ExpiresAt: optional(number, (s) => s.expiresAt),
  /** The whole record, encoded (events/stored-record.ts); set by `fitRaw` (item-limits.ts), which needs the rest. */
  Raw: optional(binary, none),
  RawOmitted: optional(string as AttributeType<"includes" | "envelope">, none),
};

type Rows = typeof ITEM_ATTRIBUTES;
type RowValue<R> = R extends Row<infer T, boolean> ? T : never;
type RequiredName = { [K in keyof Rows]: Rows[K] extends Row<unknown, true> ? K : never }[keyof Rows];
type Flat<T> = { [K in keyof T]: T[K] };

/** The DynamoDB item for one post, as the table above defines it. */
export type TweetItem = Flat<
  { [K in RequiredName]: RowValue<Rows[K]> } & {
    [K in Exclude<keyof Rows, RequiredName>]?: RowValue<Rows[K]>;
  }
>;
export type AttributeName = keyof Rows;
export const ITEM_ATTRIBUTE_NAMES = Object.keys(ITEM_ATTRIBUTES) as AttributeName[];
const TYPES = Object.fromEntries(ITEM_ATTRIBUTE_NAMES.map((name) => [name, ITEM_ATTRIBUTES[name].type]));

/** The attributes read from the post, in the table's order (`Raw` and `RawOmitted` are set afterwards). */
export function readAttributes(source: ItemSource): TweetItem {
  const item: Record<string, unknown> = {};
  for (const name of ITEM_ATTRIBUTE_NAMES) {
    const value = (ITEM_ATTRIBUTES[name] as Row<unknown, boolean>).from(source);
    if (value !== undefined) item[name] = value;
  }
  return item as TweetItem;
}

/**
 * The item in DynamoDB's wire format, as lib-dynamodb's DocumentClient would send it (an empty list stays
 * `{ L: [] }`, an absent attribute stays absent), without its generic marshaller, which was about 6% of
 * the processor's CPU per record.
 */
export function toAttributeValues(item: TweetItem): Record<string, AttributeValue> {
  return wireOf(item, TYPES, ITEM_ATTRIBUTE_NAMES);
}

/** The table's attributes of an item read from DynamoDB (others are ignored); `Raw` as stored, still encoded. */
export function fromAttributeValues(wire: Record<string, AttributeValue>): TweetItem {
  return readOf(wire, TYPES, ITEM_ATTRIBUTE_NAMES) as TweetItem;
}

/** DynamoDB's item size: attribute names plus values. With `boundBytes`, an upper bound that is cheap. */
export function itemSize(item: TweetItem, bytes: ByteCount = utf8Bytes): number {
  return sizeOf(item, TYPES, ITEM_ATTRIBUTE_NAMES, bytes, 0);
}
