import { randomUUID } from "node:crypto";
import type { PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import { AggregateBuilder, partitionKeyHash, type UserRecord } from "../../events/index.js";
import { MAX_RECORD_BYTES } from "./limits.js";
import type { QueuedRecord, RecordQueue } from "./record-queue.js";

/** One PutRecords call's worth of records. */
export interface Batch {
  readonly entries: PutRecordsRequestEntry[];
  /** The records carried, in entry order. */
  readonly records: QueuedRecord[];
  /**
   * With aggregation, entry i carries records[ends[i - 1] ?? 0 .. ends[i]); without, entry i is records[i].
   */
  readonly ends: number[] | undefined;
  /** Data plus partition keys of all entries, as Kinesis counts the request. */
  readonly bytes: number;
}

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/** How entries are formed: one per record, or KPL aggregates keyed by their first record (author) or at random. */
export type EntryMode = "plain" | { aggregateKey: "author" | "random" };

/**
 * Takes records from the front of the queues, in order, into one batch within the limits.
 * A record marked `isolate` always travels alone.
 */
export function takeBatch(queues: readonly RecordQueue[], limits: BatchLimits, mode: EntryMode): Batch {
  return mode === "plain" ? takePlain(queues, limits) : takeAggregated(queues, limits, mode.aggregateKey);
}

function takePlain(queues: readonly RecordQueue[], limits: BatchLimits): Batch {
  const entries: PutRecordsRequestEntry[] = [];
  const records: QueuedRecord[] = [];
  let bytes = 0;
  for (const queue of queues) {
    for (let r = queue.peek(); r !== undefined; r = queue.peek()) {
      if (entries.length >= limits.maxRecords || bytes + r.size > limits.maxBytes)
        return { entries, records, ends: undefined, bytes };
      if (r.isolate && records.length > 0) return { entries, records, ends: undefined, bytes };
      queue.shift();
      entries.push({ Data: r.data, PartitionKey: r.partitionKey });
      records.push(r);
      bytes += r.size;
      if (r.isolate) return { entries, records, ends: undefined, bytes };
    }
  }
  return { entries, records, ends: undefined, bytes };
}

/**
 * Aggregates are routed by an explicit hash key, and every sub-record carries that same key in the
 * aggregate's hash key table. The KCL (and Flink, KDA, any KCL application) de-aggregates and drops each
 * sub-record whose effective hash (its explicit hash key, else the MD5 of its own partition key) lies outside
 * the shard it was read from; with the aggregate's own key on every sub-record, all of them lie inside.
 * Chosen over the KPL's per-shard aggregation (ListShards, a shard map refreshed on resharding) because it
 * needs no shard map that can go stale while shards split or merge, no extra IAM permission, and no state:
 * whichever shard owns the hash when Kinesis stores the aggregate is right for every sub-record. The price,
 * as before, is that sub-records with other partition keys travel on the aggregate's shard.
 */
function sharing(record: QueuedRecord, explicitHashKey: string): UserRecord {
  return { partitionKey: record.partitionKey, explicitHashKey, data: record.data };
}

function takeAggregated(
  queues: readonly RecordQueue[],
  limits: BatchLimits,
  keyMode: "author" | "random",
): Batch {
  const entries: PutRecordsRequestEntry[] = [];
  const records: QueuedRecord[] = [];
  const ends: number[] = [];
  let closedBytes = 0;
  let open:
    | { builder: AggregateBuilder; key: string; hashKey: string; keyBytes: number; first: QueuedRecord }
    | undefined;

  const closeOpen = () => {
    if (open === undefined) return;
    if (open.builder.count === 1) {
      // An aggregate of one is only overhead: send the record as it is (consumers read both forms).
      entries.push({ Data: open.first.data, PartitionKey: open.first.partitionKey });
      closedBytes += open.first.size;
    } else {
      entries.push({ Data: open.builder.build(), PartitionKey: open.key, ExplicitHashKey: open.hashKey });
      closedBytes += open.builder.size + open.keyBytes;
    }
    ends.push(records.length);
    open = undefined;
  };

  fill: for (const queue of queues) {
    for (let r = queue.peek(); r !== undefined; r = queue.peek()) {
      if (r.isolate && records.length > 0) break fill;
      if (open !== undefined) {
        const shared = sharing(r, open.hashKey);
        const grown = open.builder.sizeWith(shared) + open.keyBytes;
        if (grown <= MAX_RECORD_BYTES && closedBytes + grown <= limits.maxBytes) {
          queue.shift();
          open.builder.add(shared);
          records.push(r);
          continue;
        }
        closeOpen();
      }
      if (entries.length >= limits.maxRecords || closedBytes + r.size > limits.maxBytes) break fill;
      queue.shift();
      const key = keyMode === "author" ? r.partitionKey : randomUUID();
      const hashKey = partitionKeyHash(key);
      open = { builder: new AggregateBuilder(), key, hashKey, keyBytes: Buffer.byteLength(key), first: r };
      open.builder.add(sharing(r, hashKey));
      records.push(r);
      if (r.isolate) break fill;
    }
  }
  closeOpen();
  return { entries, records, ends, bytes: closedBytes };
}

/** The records entry `index` of a batch carries. */
export function recordsOfEntry(batch: Batch, index: number): QueuedRecord[] {
  if (batch.ends === undefined) {
    const record = batch.records[index];
    return record === undefined ? [] : [record];
  }
  return batch.records.slice(batch.ends[index - 1] ?? 0, batch.ends[index]);
}
