import { describe, expect, it } from "vitest";
import { deaggregate, isAggregated } from "../../../events/index.js";
import { takeBatch } from "../batch-builder.js";
import { MAX_RECORD_BYTES } from "../limits.js";
import { type QueuedRecord, RecordQueue } from "../record-queue.js";

const KiB = 1024;
const MiB = 1024 * KiB;

function queueOf(
  count: number,
  dataBytes: (i: number) => number,
): { queue: RecordQueue; records: QueuedRecord[] } {
  const queue = new RecordQueue();
  const records: QueuedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const data = Buffer.alloc(dataBytes(i), i % 251);
    const partitionKey = `pk-${i}`;
    const record = {
      data,
      partitionKey,
      size: data.length + partitionKey.length,
      receivedAtMs: 0,
      attempts: 0,
      isolate: false,
    };
    queue.push(record);
    records.push(record);
  }
  return { queue, records };
}

/** Data plus partition keys of every entry: what Kinesis holds against the request limit. */
function requestBytes(entries: { Data?: Uint8Array; PartitionKey?: string }[]): number {
  return entries.reduce((n, e) => n + (e.Data?.length ?? 0) + Buffer.byteLength(e.PartitionKey ?? ""), 0);
}

describe("an aggregated request whose byte limit fits several aggregates", () => {
  // Limits that fit two, three and four full aggregates with room to spare, and record sizes that leave each
  // aggregate a different amount short of 1 MiB: the request limit, not the aggregate's, must stop the last one.
  it.each([
    { maxBytes: 2.5 * MiB, dataBytes: () => 60 * KiB },
    { maxBytes: 3 * MiB + 200 * KiB, dataBytes: (i: number) => 10 * KiB + ((i * 7_919) % (90 * KiB)) },
    { maxBytes: 4 * MiB - 1, dataBytes: (i: number) => 1 + ((i * 104_729) % (200 * KiB)) },
  ])("stays within $maxBytes bytes, every record once, in order", ({ maxBytes, dataBytes }) => {
    // Prepare: far more than one request's worth.
    const { queue, records } = queueOf(400, dataBytes);

    // Act
    const batch = takeBatch([queue], { maxRecords: 500, maxBytes }, { aggregateKey: "random" });

    // Assess
    expect(batch.entries.length).toBeGreaterThanOrEqual(Math.floor(maxBytes / MiB));
    expect(requestBytes(batch.entries)).toBe(batch.bytes);
    expect(batch.bytes).toBeLessThanOrEqual(maxBytes);
    // Full: the next record would not have fitted, even as an entry of its own.
    expect(batch.bytes + (queue.peek()?.size ?? 0)).toBeGreaterThan(maxBytes);
    const carried = batch.entries.flatMap((entry) => {
      const data = entry.Data as Uint8Array;
      expect(data.length + Buffer.byteLength(entry.PartitionKey ?? "")).toBeLessThanOrEqual(MAX_RECORD_BYTES);
      if (!isAggregated(data)) return [Buffer.from(data)];
      const users = deaggregate(data);
      if (!users.ok) throw users.error;
      return users.value.map((u) => Buffer.from(u.data));
    });
    expect(carried.length).toBe(batch.records.length);
    expect(carried.every((bytes, i) => bytes.equals(records[i]?.data ?? Buffer.alloc(0)))).toBe(true);
    expect(queue.length).toBe(records.length - batch.records.length);
  });
});
