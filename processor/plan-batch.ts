import type { KinesisStreamRecord } from "aws-lambda";
import { decodeRecordData } from "../events/index.js";
import { type DeadLetter, deadLetterReason, type RecordOrigin } from "./dead-letter.js";
import { earlierVersionIds } from "./edits.js";
import { checkItemLimits } from "./item-limits.js";
import type { WriteRequest } from "./ports.js";
import { type ItemKey, itemKey, type TweetItem, toTweetItem } from "./tweet-item.js";

/** One request to carry out and every Kinesis record (by sequence number) that depends on it. */
export interface PlannedWrite {
  request: WriteRequest;
  owners: Set<string>;
  /**
   * For the delete of an earlier version: the keys (`itemKey`) of the newer versions that delete it. It is
   * carried out only after one of their puts succeeded (see write-phases.ts), so the post never vanishes.
   */
  newer?: Set<string>;
  /**
   * For the delete of an earlier version that was in the batch too: its put (the last copy), written instead of
   * the delete when DynamoDB refused every newer version on its own (write-phases.ts), so a good earlier version
   * is stored rather than dead-lettered with the refused newer one.
   */
  superseded?: TweetItem;
}

export interface BatchPlan {
  /** Distinct keys only: BatchWriteItem rejects a call that names a key twice. */
  writes: PlannedWrite[];
  deadLetters: DeadLetter[];
  userRecords: number;
  /** Copies dropped because a later record in the batch carried the same key. */
  deduplicated: number;
  /** Posts not written because a newer version in the same batch deletes them. */
  superseded: number;
  /** Items whose Raw lacks the includes, and items without Raw, to stay within 400 KB. */
  rawIncludesOmitted: number;
  rawOmitted: number;
}

/**
 * Decodes every record (base64, KPL aggregate, schema), maps events to items and deduplicates by key.
 * The last copy of a key wins (the newest in shard order), but every record that carried a copy owns the
 * written item: if the write fails, all of them are reported, so none is acknowledged without its data.
 * A newer version of an edited post deletes its earlier versions' items; within the batch, that delete
 * replaces their puts whatever the order (one request per key), and their records own the delete.
 */
export function planBatch(
  records: readonly KinesisStreamRecord[],
  processedAt: string,
  expiresAt?: number,
): BatchPlan {
  const plan = new WritePlan();
  const deadLetters: DeadLetter[] = [];
  let userRecords = 0;
  let rawIncludesOmitted = 0;
  let rawOmitted = 0;

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
      const item = toTweetItem(
        user.result.value,
        processedAt,
        // Raw is encoded from the record's bytes (valid UTF-8: they were parsed): no text to encode again.
        () => user.data,
        expiresAt,
      );
      const broken = checkItemLimits(item);
      if (broken) {
        letter(deadLetterReason(broken));
        continue;
      }
      if (item.RawOmitted === "includes") rawIncludesOmitted += 1;
      if (item.RawOmitted === "envelope") rawOmitted += 1;
      plan.put(item, origin.sequenceNumber);
    }
  }
  return { ...plan.result(), deadLetters, userRecords, rawIncludesOmitted, rawOmitted };
}

/** The batch's requests by key: at most one per key, a delete of an earlier version winning over its put. */
class WritePlan {
  private readonly byKey = new Map<string, PlannedWrite>();
  private deduplicated = 0;
  private superseded = 0;

  put(item: TweetItem, owner: string): void {
    const key = itemKey(item);
    const earlier = this.byKey.get(key);
    if (earlier === undefined) {
      this.byKey.set(key, { request: { put: item }, owners: new Set([owner]) });
    } else if ("delete" in earlier.request) {
      this.superseded += 1;
      earlier.superseded = item;
      earlier.owners.add(owner);
    } else {
      this.deduplicated += 1;
      earlier.request = { put: item };
      earlier.owners.add(owner);
    }
    for (const id of earlierVersionIds(item)) this.delete({ Username: item.Username, Id: id }, owner, key);
  }

  private delete(key: ItemKey, owner: string, newer: string): void {
    const earlier = this.byKey.get(itemKey(key));
    if (earlier === undefined) {
      this.byKey.set(itemKey(key), {
        request: { delete: key },
        owners: new Set([owner]),
        newer: new Set([newer]),
      });
      return;
    }
    if ("put" in earlier.request) {
      this.superseded += 1;
      earlier.superseded = earlier.request.put;
    }
    earlier.request = { delete: key };
    earlier.owners.add(owner);
    earlier.newer = (earlier.newer ?? new Set()).add(newer);
  }

  result() {
    return { writes: [...this.byKey.values()], deduplicated: this.deduplicated, superseded: this.superseded };
  }
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
