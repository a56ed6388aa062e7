import type { KinesisStreamRecord } from "aws-lambda";
import { decodeRecordData } from "../events/index.js";
import { type DeadLetter, deadLetterReason, type RecordOrigin } from "./dead-letter.js";
import { checkItemLimits, itemKey, type TweetItem, toTweetItem } from "./tweet-item.js";

/** One item to write and every Kinesis record (by sequence number) that carried a copy of it. */
export interface PlannedItem {
  item: TweetItem;
  owners: Set<string>;
}

export interface BatchPlan {
  /** Distinct keys only: BatchWriteItem rejects a call that names a key twice. */
  items: PlannedItem[];
  deadLetters: DeadLetter[];
  userRecords: number;
  /** Copies dropped because a later record in the batch carried the same key. */
  deduplicated: number;
}

/**
 * Decodes every record (base64, KPL aggregate, schema), maps events to items and deduplicates by key.
 * The last copy of a key wins (the newest in shard order), but every record that carried a copy owns the
 * written item: if the write fails, all of them are reported, so none is acknowledged without its data.
 */
export function planBatch(records: readonly KinesisStreamRecord[], processedAt: string): BatchPlan {
  const byKey = new Map<string, PlannedItem>();
  const deadLetters: DeadLetter[] = [];
  let userRecords = 0;
  let deduplicated = 0;

  for (const record of records) {
    const origin = originOf(record);
    const decoded = decodeRecordData(record.kinesis.data);
    if (!decoded.ok) {
      deadLetters.push({ origin, payload: record.kinesis.data, reason: deadLetterReason(decoded.error) });
      continue;
    }
    for (const user of decoded.value) {
      userRecords += 1;
      const letter = (reason: DeadLetter["reason"]) =>
        deadLetters.push({
          origin,
          subSequenceNumber: user.subSequenceNumber,
          payload: Buffer.from(user.data).toString("base64"),
          reason,
        });
      if (!user.result.ok) {
        letter(deadLetterReason(user.result.error));
        continue;
      }
      const item = toTweetItem(user.result.value, processedAt);
      const broken = checkItemLimits(item);
      if (broken) {
        letter(deadLetterReason(broken));
        continue;
      }
      const key = itemKey(item);
      const earlier = byKey.get(key);
      if (earlier) {
        deduplicated += 1;
        earlier.item = item;
        earlier.owners.add(origin.sequenceNumber);
      } else {
        byKey.set(key, { item, owners: new Set([origin.sequenceNumber]) });
      }
    }
  }
  return { items: [...byKey.values()], deadLetters, userRecords, deduplicated };
}

export function originOf(record: KinesisStreamRecord): RecordOrigin {
  return {
    // eventID is "<shardId>:<sequenceNumber>".
    shardId: shardIdOf(record.eventID),
    sequenceNumber: record.kinesis.sequenceNumber,
    eventSourceARN: record.eventSourceARN,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
  };
}

function shardIdOf(eventID: string): string {
  const colon = eventID.indexOf(":");
  return colon === -1 ? eventID : eventID.slice(0, colon);
}
