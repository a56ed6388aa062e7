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

/** The item's primary key as one string, for deduplication (JSON keeps the two parts unambiguous). */
export function itemKey(item: Pick<TweetItem, "Username" | "Id">): string {
  return JSON.stringify([item.Username, item.Id]);
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
  const usernameBytes = Buffer.byteLength(item.Username, "utf8");
  if (usernameBytes > MAX_PARTITION_KEY_BYTES) {
    return {
      kind: "key-too-large",
      message: `Username is ${usernameBytes} bytes; DynamoDB allows ${MAX_PARTITION_KEY_BYTES} for a partition key`,
    };
  }
  const idBytes = Buffer.byteLength(item.Id, "utf8");
  if (idBytes > MAX_SORT_KEY_BYTES) {
    return {
      kind: "key-too-large",
      message: `Id is ${idBytes} bytes; DynamoDB allows ${MAX_SORT_KEY_BYTES}`,
    };
  }
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) {
    return {
      kind: "item-too-large",
      message: `item is about ${size} bytes; DynamoDB allows ${MAX_ITEM_BYTES}`,
    };
  }
  return undefined;
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
