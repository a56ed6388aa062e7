import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEvent, encodeEvent, isAggregated } from "../../events/index.js";
import { startKinesalite } from "../../local/emulators/kinesalite.js";
import { MAX_RECORD_BYTES } from "../kinesis/limits.js";
import { createStream, readStream } from "./support/kinesis-stream.js";
import { tweetEvents } from "./support/tweets.js";
import { histogramOf, kinesisClient, metricValue, pushAll, startWriter } from "./support/writer-harness.js";

let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let streamCount = 0;

beforeAll(async () => {
  kinesalite = await startKinesalite();
});
afterAll(async () => {
  await kinesalite.close();
});

async function newStream(): Promise<string> {
  const name = `writer-${++streamCount}`;
  const admin = kinesisClient(kinesalite.endpoint);
  await createStream(admin, name, 2);
  admin.destroy();
  return name;
}

const COUNT = 1_200;

describe.each([
  { aggregation: false, partitionKey: "tweet" as const },
  { aggregation: false, partitionKey: "author" as const },
  { aggregation: true, partitionKey: "tweet" as const },
  { aggregation: true, partitionKey: "author" as const },
])("KinesisWriter against kinesalite (aggregation $aggregation, partition key $partitionKey)", (mode) => {
  it("stores every tweet exactly once with its bytes unchanged", async () => {
    // Prepare
    const stream = await newStream();
    const events = tweetEvents(COUNT);
    const { writer, metrics, client } = startWriter(kinesalite.endpoint, {
      target: { StreamName: stream },
      ...mode,
      // Small requests: kinesalite is slow with large ones, and we want several calls.
      maxBytes: 1024 * 1024,
      maxRecords: 200,
    });

    // Act
    await pushAll(writer, events);
    const summary = await writer.close(10_000);
    const stored = await readStream(client, stream);
    client.destroy();

    // Assess
    expect(summary.unsentRecords).toBe(0);
    const userRecords = stored.flatMap((r) => r.userRecords);
    expect(userRecords).toHaveLength(COUNT);
    const byId = new Map(userRecords.map((bytes) => [decodeId(bytes), bytes]));
    expect(byId.size).toBe(COUNT);
    for (const event of events) expect(byId.get(event.id)?.equals(encodeEvent(event))).toBe(true);

    expect(stored.some((r) => isAggregated(r.data))).toBe(mode.aggregation);
    for (const record of stored)
      expect(record.data.length + Buffer.byteLength(record.partitionKey)).toBeLessThanOrEqual(
        MAX_RECORD_BYTES,
      );
    if (mode.partitionKey === "author" && !mode.aggregation) {
      for (const record of stored) {
        expect(record.partitionKey).toBe(JSON.parse(record.userRecords[0]?.toString() ?? "{}").author.id);
      }
    }
    expect(await metricValue(metrics.recordsPut)).toBe(COUNT);
    expect(await metricValue(metrics.kinesisRecordsPut)).toBe(stored.length);
    expect((await histogramOf(metrics.ackLatency)).count).toBe(COUNT);
    expect(await metricValue(metrics.putRequests, { outcome: "success" })).toBeGreaterThanOrEqual(
      mode.aggregation ? 1 : COUNT / 200,
    );
    expect(writer.health.ok).toBe(true);
  });
});

it("keeps an author's tweets on one shard with PARTITION_KEY=author", async () => {
  // Prepare
  const stream = await newStream();
  const events = tweetEvents(400);
  const { writer, client } = startWriter(kinesalite.endpoint, {
    target: { StreamName: stream },
    partitionKey: "author",
  });

  // Act
  await pushAll(writer, events);
  await writer.close(10_000);
  const stored = await readStream(client, stream);
  client.destroy();

  // Assess
  const shardsOfAuthor = new Map<string, Set<string>>();
  for (const record of stored) {
    const author = record.partitionKey;
    shardsOfAuthor.set(author, (shardsOfAuthor.get(author) ?? new Set()).add(record.shardId));
  }
  expect(shardsOfAuthor.size).toBe(37);
  for (const shards of shardsOfAuthor.values()) expect(shards.size).toBe(1);
  expect(new Set(stored.map((r) => r.shardId)).size).toBe(2);
});

function decodeId(bytes: Buffer): string {
  const decoded = decodeEvent(bytes);
  if (!decoded.ok) throw decoded.error;
  return decoded.value.id;
}
