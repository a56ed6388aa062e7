import type { TweetEvent } from "../events/index.js";

/** The DynamoDB item for one tweet, in the seed's `<stack>-EventData` shape: key (Username, Id). */
export interface TweetItem {
  /** Partition key: the author's username. */
  Username: string;
  /** Sort key: the tweet id (decimal string). */
  Id: string;
  Timestamp: string;
  Message: string;
  AuthorId: string;
  AuthorName: string;
  Lang?: string;
  /** Tags of the filtered-stream rules the tweet matched (the rule id when a rule has no tag). */
  MatchingRules: string[];
  ReceivedAt: string;
  ProcessedAt: string;
}

export function toTweetItem(event: TweetEvent, processedAt: string): TweetItem {
  const item: TweetItem = {
    Username: event.author.username,
    Id: event.id,
    Timestamp: event.createdAt,
    Message: event.text,
    AuthorId: event.author.id,
    AuthorName: event.author.name,
    MatchingRules: (event.matchingRules ?? []).map((rule) => rule.tag ?? rule.id),
    ReceivedAt: event.receivedAt,
    ProcessedAt: processedAt,
  };
  if (event.lang !== undefined) item.Lang = event.lang;
  return item;
}

/**
 * The item's primary key as one string, for deduplication. The username's length in front keeps the two
 * parts unambiguous (as JSON would, at a fraction of the cost: this runs several times per record).
 */
export function itemKey(item: Pick<TweetItem, "Username" | "Id">): string {
  return `${item.Username.length}:${item.Username}${item.Id}`;
}

// DynamoDB's limits: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;
export const MAX_ITEM_BYTES = 400 * 1024;

export type ItemLimitKind = "key-too-large" | "item-too-large";

/**
 * Checks the limits DynamoDB would enforce by rejecting the whole 25-item call with a ValidationException,
 * which retrying can never fix: such an item is dead-lettered instead of blocking its shard.
 */
export function checkItemLimits(item: TweetItem): { kind: ItemLimitKind; message: string } | undefined {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: what is below a limit by that bound (every real
  // tweet) skips the exact count.
  const usernameBytes =
    item.Username.length * 3 > MAX_PARTITION_KEY_BYTES ? Buffer.byteLength(item.Username, "utf8") : 0;
  if (usernameBytes > MAX_PARTITION_KEY_BYTES) {
    return {
      kind: "key-too-large",
      message: `Username is ${usernameBytes} bytes; DynamoDB allows ${MAX_PARTITION_KEY_BYTES} for a partition key`,
    };
  }
  const idBytes = item.Id.length * 3 > MAX_SORT_KEY_BYTES ? Buffer.byteLength(item.Id, "utf8") : 0;
  if (idBytes > MAX_SORT_KEY_BYTES) {
    return {
      kind: "key-too-large",
      message: `Id is ${idBytes} bytes; DynamoDB allows ${MAX_SORT_KEY_BYTES}`,
    };
  }
  const size = itemSizeBound(item) > MAX_ITEM_BYTES ? itemSize(item) : 0;
  if (size > MAX_ITEM_BYTES) {
    return {
      kind: "item-too-large",
      message: `item is about ${size} bytes; DynamoDB allows ${MAX_ITEM_BYTES}`,
    };
  }
  return undefined;
}

/** At least `itemSize(item)`: 3 bytes for every UTF-16 code unit of names and values, and list overheads. */
function itemSizeBound(item: TweetItem): number {
  let units = 0;
  for (const name in item) {
    const value = item[name as keyof TweetItem];
    if (value === undefined) continue;
    units += name.length;
    if (Array.isArray(value)) {
      units += 3 + value.length;
      for (const element of value) units += element.length;
    } else {
      units += value.length;
    }
  }
  return units * 3;
}

/**
 * DynamoDB's item size: attribute names plus values, strings as UTF-8, a list as 3 bytes plus 1 per element.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemSize(item: TweetItem): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, "utf8");
    if (Array.isArray(value)) {
      size += 3 + value.length;
      for (const element of value) size += Buffer.byteLength(element, "utf8");
    } else {
      size += Buffer.byteLength(value, "utf8");
    }
  }
  return size;
}
