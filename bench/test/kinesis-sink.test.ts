import type { AddressInfo } from "node:net";
import { PutRecordCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AggregateBuilder, encodeEvent, type TweetEvent } from "../../events/index.js";
import { benchKinesisClient } from "../producer/bench-kinesis-client.js";
import { KinesisSink } from "../sink/kinesis-sink.js";

const sink = new KinesisSink();
let client: ReturnType<typeof benchKinesisClient>;

const event = (id: number): TweetEvent => ({
  v: 1,
  id: String(id),
  text: `tweet ${id} 🚀 東京`,
  createdAt: "2025-01-01T00:00:00.000Z",
  author: { id: "7", username: "ada", name: "Ada" },
  receivedAt: "2025-01-01T00:00:00.010Z",
});

beforeAll(async () => {
  await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
  client = benchKinesisClient(`http://127.0.0.1:${(sink.server.address() as AddressInfo).port}`, "us-east-1");
});
afterAll(async () => {
  client.destroy();
  sink.server.closeAllConnections();
  await new Promise((resolve) => sink.server.close(resolve));
});
beforeEach(() => sink.reset(0));

describe("the counting Kinesis endpoint, through the real SDK client", () => {
  it("answers PutRecords with a sequence number per record and counts records, bytes and billing", async () => {
    // Prepare
    const records = [1, 2, 3].map((id) => ({ Data: encodeEvent(event(id)), PartitionKey: String(id) }));

    // Act
    const out = await client.send(new PutRecordsCommand({ StreamName: "bench", Records: records }));

    // Assess
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records?.map((r) => r.SequenceNumber?.length)).toEqual([56, 56, 56]);
    expect(new Set(out.Records?.map((r) => r.SequenceNumber)).size).toBe(3);
    const bytes = records.reduce((sum, r) => sum + r.Data.length, 0);
    expect(sink.counters).toMatchObject({ putRecordsCalls: 1, records: 3, userRecords: 3, dataBytes: bytes });
    expect(sink.counters).toMatchObject({ provisionedPutUnits: 3, onDemandBilledBytes: 3 * 1024 });
  });

  it("counts the tweets inside KPL aggregates and bills the aggregate once", async () => {
    const builder = new AggregateBuilder();
    for (let id = 1; id <= 40; id++) builder.add({ partitionKey: String(id), data: encodeEvent(event(id)) });
    const aggregate = builder.build();

    await client.send(new PutRecordCommand({ StreamName: "bench", PartitionKey: "agg", Data: aggregate }));

    expect(sink.counters).toMatchObject({
      putRecordCalls: 1,
      records: 1,
      aggregatedRecords: 1,
      userRecords: 40,
    });
    expect(sink.counters.provisionedPutUnits).toBe(Math.ceil((aggregate.length + 3) / (25 * 1024)));
    expect(sink.counters.invalidPayloads).toBe(0);
  });

  it("refuses an invalid request with Kinesis' error type, which the SDK surfaces", async () => {
    const records = Array.from({ length: 501 }, (_, i) => ({
      Data: Buffer.from("x"),
      PartitionKey: String(i),
    }));

    const failure = client.send(new PutRecordsCommand({ StreamName: "bench", Records: records }));

    await expect(failure).rejects.toMatchObject({ name: "ValidationException" });
    expect(sink.counters).toMatchObject({ rejectedCalls: 1, records: 0 });
  });

  it("holds each response for the configured time", async () => {
    sink.reset(60);
    const started = performance.now();

    await client.send(
      new PutRecordCommand({ StreamName: "bench", PartitionKey: "k", Data: Buffer.from("x") }),
    );

    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
