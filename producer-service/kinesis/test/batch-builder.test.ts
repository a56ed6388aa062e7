import { describe, expect, it } from "vitest";
import { deaggregate, isAggregated } from "../../../events/index.js";
import { takeBatch } from "../batch-builder.js";
import { MAX_RECORD_BYTES } from "../limits.js";
import { type QueuedRecord, RecordQueue } from "../record-queue.js";

const KiB = 1024;
const MiB = 1024 * KiB;

function record(i: number, dataBytes = 100, partitionKey = `pk-${i}`): QueuedRecord {
  const data = Buffer.alloc(dataBytes, i % 256);
  return {
    data,
    partitionKey,
    size: data.length + partitionKey.length,
    receivedAtMs: 0,
    attempts: 0,
    isolate: false,
  };
}

function queueOf(records: QueuedRecord[]): RecordQueue {
  const queue = new RecordQueue();
  for (const r of records) queue.push(r);
  return queue;
}

describe("takeBatch without aggregation", () => {
  it("stops at the record limit", () => {
    const queue = queueOf(Array.from({ length: 12 }, (_, i) => record(i)));
    const batch = takeBatch([queue], { maxRecords: 5, maxBytes: 10_000_000 }, "plain");
    expect(batch.entries).toHaveLength(5);
    expect(queue.length).toBe(7);
  });

  it("counts partition keys against the byte limit, as Kinesis does", () => {
    // Each record is 100 data bytes + 4 key bytes: 9 fit in 940 bytes, 10 would need 1040.
    const queue = queueOf(
      Array.from({ length: 12 }, (_, i) => record(i, 100, `k${String(i).padStart(3, "0")}`)),
    );
    const batch = takeBatch([queue], { maxRecords: 500, maxBytes: 1000 }, "plain");
    expect(batch.entries).toHaveLength(9);
    expect(batch.bytes).toBe(9 * 104);
  });

  it("takes the first queue (retries) before the second (fresh records), in order", () => {
    const retries = queueOf([record(1), record(2)]);
    const fresh = queueOf([record(3), record(4)]);
    const batch = takeBatch([retries, fresh], { maxRecords: 3, maxBytes: 10_000 }, "plain");
    expect(batch.entries.map((e) => e.PartitionKey)).toEqual(["pk-1", "pk-2", "pk-3"]);
  });

  it("sends a record marked isolate alone", () => {
    const suspect = { ...record(2), isolate: true };
    const queue = queueOf([record(1), suspect, record(3)]);
    const limits = { maxRecords: 500, maxBytes: 10_000 };
    expect(takeBatch([queue], limits, "plain").records).toEqual([
      expect.objectContaining({ partitionKey: "pk-1" }),
    ]);
    expect(takeBatch([queue], limits, "plain").records).toEqual([suspect]);
    expect(takeBatch([queue], limits, "plain").records).toHaveLength(1);
  });
});

describe("takeBatch with aggregation", () => {
  it("packs records into aggregates of at most 1 MiB, each decodable to its records", () => {
    // Prepare: 30 records of 100 KiB: about 10 per aggregate.
    const records = Array.from({ length: 30 }, (_, i) => record(i, 100 * 1024));
    const queue = queueOf(records);

    // Act
    const batch = takeBatch(
      [queue],
      { maxRecords: 500, maxBytes: 10 * 1024 * 1024 },
      { aggregateKey: "random" },
    );

    // Assess
    expect(queue.length).toBe(0);
    expect(batch.entries.length).toBe(3);
    const unpacked = batch.entries.flatMap((entry) => {
      const data = entry.Data as Uint8Array;
      expect(data.length + Buffer.byteLength(entry.PartitionKey ?? "")).toBeLessThanOrEqual(MAX_RECORD_BYTES);
      expect(isAggregated(data)).toBe(true);
      const users = deaggregate(data);
      if (!users.ok) throw users.error;
      return users.value;
    });
    expect(unpacked.map((u) => u.partitionKey)).toEqual(records.map((r) => r.partitionKey));
    expect(unpacked.every((u, i) => Buffer.from(u.data).equals(records[i]?.data ?? Buffer.alloc(0)))).toBe(
      true,
    );
    expect(batch.ends).toEqual([10, 20, 30]);
    expect(new Set(batch.entries.map((e) => e.PartitionKey)).size).toBe(3);
  });

  it("keys an aggregate by its first record with aggregateKey author", () => {
    const queue = queueOf([record(1, 10, "author-a"), record(2, 10, "author-b")]);
    const batch = takeBatch([queue], { maxRecords: 500, maxBytes: 1_000_000 }, { aggregateKey: "author" });
    expect(batch.entries.map((e) => e.PartitionKey)).toEqual(["author-a"]);
  });

  it("sends a lone record as a plain record, even one too big to aggregate", () => {
    const big = record(1, MAX_RECORD_BYTES - 10, "0123456789");
    const small = record(2);
    const batch = takeBatch(
      [queueOf([big, small])],
      { maxRecords: 500, maxBytes: 10 * 1024 * 1024 },
      { aggregateKey: "random" },
    );
    // toBe: the very same buffers, sent as they are (and no deep compare of a megabyte).
    expect(batch.entries[0]?.Data).toBe(big.data);
    expect(batch.entries[1]?.Data).toBe(small.data);
    expect(batch.entries.map((e) => e.PartitionKey)).toEqual(["0123456789", "pk-2"]);
    expect(batch.ends).toEqual([1, 2]);
  });

  it("keeps the request within the byte limit", () => {
    const queue = queueOf(Array.from({ length: 40 }, (_, i) => record(i, 60 * 1024)));
    const batch = takeBatch(
      [queue],
      { maxRecords: 500, maxBytes: 1024 * 1024 + 1 },
      { aggregateKey: "random" },
    );
    const total = batch.entries.reduce(
      (n, e) => n + (e.Data as Uint8Array).length + Buffer.byteLength(e.PartitionKey ?? ""),
      0,
    );
    expect(total).toBe(batch.bytes);
    expect(total).toBeLessThanOrEqual(1024 * 1024 + 1);
    expect(queue.length).toBe(40 - batch.records.length);
    expect(batch.records.length).toBeGreaterThan(10);
  });
});

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
    const records = Array.from({ length: 400 }, (_, i) => record(i, dataBytes(i)));
    const queue = queueOf(records);

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
