import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { aggregate, deaggregate, encodeEvent, type UserRecord } from "../index.js";
import { sampleEvent } from "./fixtures.js";

// aws-kinesis-agg is the reference implementation published by AWS Labs (CommonJS, callback API).
const require = createRequire(import.meta.url);
const agg = require("aws-kinesis-agg") as {
  aggregate(
    records: { partitionKey: string; explicitHashKey?: string; data: Buffer }[],
    onEncoded: (encoded: { partitionKey: string; data: Buffer }, done: () => void) => void,
    afterAll: () => void,
    onError: (err: Error) => void,
  ): void;
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    computeChecksums: boolean,
    callback: (
      err: Error | null,
      users?: { partitionKey: string; explicitPartitionKey?: string; data: string }[],
    ) => void,
  ): void;
};

function referenceAggregate(records: UserRecord[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  return new Promise((resolve, reject) => {
    agg.aggregate(
      records.map((r) => ({ ...r, data: Buffer.from(r.data) })),
      (encoded, done) => {
        out.push(encoded.data);
        done();
      },
      () => resolve(out),
      reject,
    );
  });
}

function referenceDeaggregate(data: Buffer) {
  let result: { partitionKey: string; explicitHashKey?: string; data: Buffer }[] = [];
  agg.deaggregateSync(
    { data: data.toString("base64"), partitionKey: "pk", sequenceNumber: "1" },
    true,
    (err, users) => {
      if (err) throw err;
      result = (users ?? []).map((u) => ({
        partitionKey: u.partitionKey,
        ...(u.explicitPartitionKey === undefined ? {} : { explicitHashKey: u.explicitPartitionKey }),
        data: Buffer.from(u.data, "base64"),
      }));
    },
  );
  return result;
}

const tweets = (n: number, key: (i: number) => string): UserRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    partitionKey: key(i),
    data: encodeEvent(sampleEvent({ id: String(1000 + i), text: `tweet ${i} 🦄 ${"ж".repeat(i % 50)}` })),
  }));

describe("KPL aggregation interoperates with aws-kinesis-agg", () => {
  it("encodes the same bytes as the reference for the same records", async () => {
    // Prepare: author-style keys, repeated, so the key table is shared.
    const records = tweets(200, (i) => `author-${i % 7}`);

    // Act
    const reference = await referenceAggregate(records);

    // Assess
    expect(reference).toHaveLength(1);
    expect(aggregate(records).equals(reference[0] as Buffer)).toBe(true);
  });

  it("encodes explicit hash keys as the reference does", async () => {
    const records = tweets(20, (i) => `k${i % 3}`).map((r) => ({
      ...r,
      explicitHashKey: "170141183460469231731687303715884105728",
    }));

    const reference = await referenceAggregate(records);

    expect(aggregate(records).equals(reference[0] as Buffer)).toBe(true);
  });

  it("reads what the reference aggregates", async () => {
    const records = tweets(50, (i) => `author-${i % 4}`);
    const [reference] = await referenceAggregate(records);

    const decoded = deaggregate(reference as Buffer);

    expect(decoded.ok && decoded.value.map((u) => [u.partitionKey, Buffer.from(u.data).toString()])).toEqual(
      records.map((r) => [r.partitionKey, Buffer.from(r.data).toString()]),
    );
  });

  it("is read by the reference, keys and bytes intact, numeric tweet-id keys included", () => {
    // Tweet ids as partition keys are integer-like strings. The reference *encoder* lists its key table with
    // Object.keys(), which reorders integer-like keys, so it can mislabel records; its decoder is sound, and
    // reading our aggregates with it proves our key table is written in index order.
    const records = tweets(30, (i) => String((i * 7919) % 1000));

    const users = referenceDeaggregate(aggregate(records));

    expect(users.map((u) => [u.partitionKey, u.data.toString()])).toEqual(
      records.map((r) => [r.partitionKey, Buffer.from(r.data).toString()]),
    );
  });

  it("is rejected by the reference when corrupted, as it is by us", () => {
    const data = aggregate(tweets(3, (i) => `a${i}`));
    data[8] = (data[8] ?? 0) ^ 1;

    expect(() => referenceDeaggregate(data)).toThrow(/checksum/i);
    expect(deaggregate(data).ok ? "accepted" : "rejected").toBe("rejected");
  });
});
