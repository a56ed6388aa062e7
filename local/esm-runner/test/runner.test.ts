import { setTimeout as sleep } from "node:timers/promises";
import { CreateStreamCommand, KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { KinesisStreamEvent } from "aws-lambda";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKinesalite } from "../../emulators/kinesalite.js";
import type { RunningEmulator } from "../../emulators/listen.js";
import { EventSourceMappingRunner } from "../runner.js";

const region = "us-east-1";
const streamArn = `arn:aws:kinesis:${region}:000000000000:stream/runner-test`;
let kinesalite: RunningEmulator;
let kinesis: KinesisClient;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = new KinesisClient({
    region,
    endpoint: kinesalite.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: new NodeHttpHandler(),
  });
});

afterAll(async () => {
  kinesis.destroy();
  await kinesalite.close();
});

async function putRecords(stream: string, n: number) {
  for (let start = 0; start < n; start += 500) {
    const entries = Array.from({ length: Math.min(500, n - start) }, (_, i) => ({
      PartitionKey: `key-${start + i}`,
      Data: Buffer.from(`record-${start + i}`),
    }));
    await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
  }
}

async function until(condition: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(25);
  }
}

describe("EventSourceMappingRunner against kinesalite", () => {
  it("delivers every record in shard order, Lambda-shaped, retrying reported failures", async () => {
    // Prepare: two shards, and a function that fails every 7th record on its first sight.
    const stream = "runner-order";
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
    await putRecords(stream, 300);
    const seen = new Map<string, number>();
    const firstEvent: KinesisStreamEvent[] = [];
    const perShard = new Map<string, string[]>();
    const handler = async (event: KinesisStreamEvent) => {
      firstEvent.push(event);
      const failures: { itemIdentifier: string }[] = [];
      for (const r of event.Records) {
        const body = Buffer.from(r.kinesis.data, "base64").toString();
        const times = (seen.get(body) ?? 0) + 1;
        seen.set(body, times);
        if (times === 1 && Number(body.split("-")[1]) % 7 === 0)
          failures.push({ itemIdentifier: r.kinesis.sequenceNumber });
        const shard = r.eventID.split(":")[0] ?? "";
        perShard.set(shard, [...(perShard.get(shard) ?? []), r.kinesis.sequenceNumber]);
      }
      return { batchItemFailures: failures };
    };
    const destination: string[] = [];
    const runner = new EventSourceMappingRunner({
      kinesis,
      streamName: stream,
      target: {
        handler,
        functionName: "fn",
        timeoutMs: 5_000,
        source: { streamArn, region, invokeIdentityArn: "arn:aws:iam::000000000000:role/fn" },
      },
      batchSize: 50,
      batchingWindowMs: 50,
      pollIntervalMs: 20,
      retryDelayMs: 0,
      sendToDestination: async (m) => {
        destination.push(m);
      },
      logger: pino({ level: "silent" }),
    });

    // Act
    await runner.start();
    await until(() => seen.size === 300);
    await runner.stop();

    // Assess
    expect([...seen.keys()].sort()).toEqual(Array.from({ length: 300 }, (_, i) => `record-${i}`).sort());
    expect(destination).toEqual([]);
    expect(runner.stats.retries).toBeGreaterThan(0);
    const record = firstEvent[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: "aws:kinesis",
      eventSourceARN: streamArn,
      awsRegion: region,
      eventName: "aws:kinesis:record",
    });
    expect(record?.eventID).toMatch(/^shardId-\d{12}:\d+$/);
    expect(typeof record?.kinesis.approximateArrivalTimestamp).toBe("number");
    for (const seqs of perShard.values()) {
      // Within a shard, a sequence number is only ever followed by a later one, or by a resend of a failed one.
      const firstSight = seqs.filter((s, i) => seqs.indexOf(s) === i);
      expect(firstSight).toEqual([...firstSight].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    }
  });

  it("sends a poisoned record to the on-failure destination after its retries (waiting out a destination outage) and moves on", async () => {
    const stream = "runner-poison";
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    await putRecords(stream, 20);
    const delivered = new Set<string>();
    const handler = async (event: KinesisStreamEvent) => {
      const bodies = event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString());
      if (bodies.includes("record-5")) throw new Error("cannot handle record-5");
      for (const b of bodies) delivered.add(b);
      return { batchItemFailures: [] };
    };
    const destination: string[] = [];
    let destinationFailures = 2;
    const runner = new EventSourceMappingRunner({
      kinesis,
      streamName: stream,
      target: {
        handler,
        functionName: "fn",
        timeoutMs: 5_000,
        source: { streamArn, region, invokeIdentityArn: "role" },
      },
      batchSize: 20,
      batchingWindowMs: 0,
      pollIntervalMs: 20,
      maxRetryAttempts: 1,
      retryDelayMs: 0,
      // The destination is down for its first two sends: the shard waits for it instead of crashing.
      sendToDestination: async (m) => {
        if (destinationFailures-- > 0) throw new Error("SQS unavailable");
        destination.push(m);
      },
      logger: pino({ level: "silent" }),
    });

    await runner.start();
    await until(() => delivered.size === 19 && destination.length === 1);
    await runner.stop();

    expect(delivered.has("record-5")).toBe(false);
    expect(destinationFailures).toBe(-1); // two refused sends, then the one that was stored
    const failure = JSON.parse(destination[0] ?? "{}");
    expect(failure.requestContext).toMatchObject({
      condition: "RetryAttemptsExhausted",
      approximateInvokeCount: 2,
    });
    expect(failure.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      shardId: "shardId-000000000000",
      streamArn,
    });
  });
});
