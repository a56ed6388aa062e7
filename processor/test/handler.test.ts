import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { DYNALITE } from "../../local/test/support/dynamo-engines.js";
import type { TweetItem } from "../tweet-item.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import {
  aggregated,
  kinesisEvent,
  malformedPayloads,
  plain,
  SHARD_ID,
  STREAM_ARN,
  sequenceNumber,
  tweet,
  withRawData,
} from "./support/records.js";

let env: ProcessorEnvironment;

useProcessorEnvironment(DYNALITE, (started) => {
  env = started;
});

/** Items in the table for the given tweet numbers, by tweet id. */
async function itemsFor(ns: readonly number[]): Promise<Map<string, TweetItem>> {
  const ids = new Set(ns.map((n) => tweet(n).id));
  return new Map((await env.items()).filter((item) => ids.has(item.Id)).map((item) => [item.Id, item]));
}

describe("handler against dynalite and the SQS emulator", () => {
  it("writes plain and KPL-aggregated records as items in the seed's table shape", async () => {
    // Prepare
    const event = kinesisEvent([plain(tweet(1)), aggregated([tweet(2), tweet(3, { lang: undefined })])]);

    // Act
    const response = await env.handler(event, invocation());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const items = await itemsFor([1, 2, 3]);
    expect(items.size).toBe(3);
    expect(items.get(tweet(1).id)).toEqual({
      Username: "user1",
      Id: tweet(1).id,
      Timestamp: "2026-11-25T12:00:00.000Z",
      Message: tweet(1).text,
      AuthorId: "1001",
      AuthorName: "User 1",
      Lang: "en",
      MatchingRules: ["aws", "r2"],
      ReceivedAt: "2026-11-25T12:00:00.250Z",
      ProcessedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(items.get(tweet(3).id)).not.toHaveProperty("Lang");
  });

  it("deduplicates a batch by key: the last copy wins, redelivery overwrites", async () => {
    const first = tweet(10, { text: "first" });
    const last = tweet(10, { text: "last" });
    const event = kinesisEvent([plain(first), aggregated([tweet(11), first]), plain(last)]);

    const response = await env.handler(event, invocation());
    const again = await env.handler(event, invocation());

    expect(response.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    const items = await itemsFor([10, 11]);
    expect(items.size).toBe(2);
    expect(items.get(first.id)?.Message).toBe("last");
  });

  it("dead-letters every malformed kind with payload, reason and position, and writes the rest", async () => {
    const bad = malformedPayloads();
    const kinds = Object.keys(bad) as (keyof typeof bad)[];
    const base = kinesisEvent([...kinds.map(() => plain(tweet(0))), plain(tweet(20))]);
    const records = base.Records.map((r, i) =>
      i < kinds.length ? withRawData(r, bad[kinds[i] as keyof typeof bad]) : r,
    );
    // An aggregate holding one good and one bad user record: only the bad one is dead-lettered.
    const mixed = kinesisEvent([aggregated([tweet(21), Buffer.from("{}")])]).Records[0];
    if (!mixed) throw new Error("no record");
    const mixedRecord = { ...mixed, kinesis: { ...mixed.kinesis, sequenceNumber: sequenceNumber(100) } };
    const before = env.deadLetters().length;

    const response = await env.handler({ Records: [...records, mixedRecord] }, invocation());

    expect(response.batchItemFailures).toEqual([]);
    expect((await itemsFor([20, 21])).size).toBe(2);
    const letters = env.deadLetters().slice(before);
    expect(letters.map((l) => l.reason.kind)).toEqual([...kinds, "schema"]);
    kinds.forEach((kind, i) => {
      expect(letters[i]).toMatchObject({
        v: 1,
        payload: bad[kind],
        shardId: SHARD_ID,
        sequenceNumber: sequenceNumber(i),
        eventSourceARN: STREAM_ARN,
        partitionKey: `pk-${i}`,
      });
    });
    expect(letters[kinds.indexOf("schema")]?.reason).toMatchObject({ path: "author.username" });
    expect(letters.at(-1)).toMatchObject({
      sequenceNumber: sequenceNumber(100),
      subSequenceNumber: 1,
      payload: Buffer.from("{}").toString("base64"),
    });
  });

  it("dead-letters many and large records within SQS's batch limits, leaving out payloads too large", async () => {
    const notJson = (bytes: number, n: number) => Buffer.from(`${n}:`.padEnd(bytes, "x"));
    const sizes = [...Array(23).fill(100), 90_000, 90_000, 90_000, 300_000];
    const event = kinesisEvent(sizes.map(notJson));
    const before = env.deadLetters().length;
    const batchCalls = env.sqs.requestCounts().SendMessageBatch ?? 0;

    const response = await env.handler(event, invocation());

    expect(response.batchItemFailures).toEqual([]);
    const letters = env.deadLetters().slice(before);
    expect(letters.map((l) => l.sequenceNumber)).toEqual(sizes.map((_, n) => sequenceNumber(n)));
    expect(letters.filter((l) => l.payloadOmitted).map((l) => l.sequenceNumber)).toEqual([
      sequenceNumber(26),
    ]);
    expect(Buffer.from(letters[25]?.payload ?? "", "base64")).toEqual(notJson(90_000, 25));
    // At most 10 entries and 256 KiB per call: [10 small] [10 small] [3 small, 2 × 120 KB] [120 KB, omitted].
    expect((env.sqs.requestCounts().SendMessageBatch ?? 0) - batchCalls).toBe(4);
  });

  it("refuses an event that is not a Kinesis batch, saying so", async () => {
    await expect(env.handler({} as KinesisStreamEvent, invocation())).rejects.toThrow(
      "not a Kinesis stream event: Records is missing",
    );
  });

  it("writes a batch of 10,000 records (Lambda's largest Kinesis batch)", async () => {
    const ns = Array.from({ length: 10_000 }, (_, i) => 100_000 + i);
    const event = kinesisEvent(ns.map((n) => plain(tweet(n))));

    const started = performance.now();
    const response = await env.handler(event, invocation());
    const elapsedMs = performance.now() - started;

    expect(response.batchItemFailures).toEqual([]);
    expect((await itemsFor(ns)).size).toBe(10_000);
    // Informational only (benchmarks measure performance): the processor's own log line carries it too.
    console.info(`10,000-record batch against dynalite: ${elapsedMs.toFixed(0)} ms`);
  }, 120_000);
});
