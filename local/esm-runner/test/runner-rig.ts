import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import { type KinesisEngine, startKinesisEngine } from "../../emulators/kinesis-engine.js";
import type { RunningEmulator } from "../../emulators/listen.js";
import type { KinesisHandler } from "../invoke-handler.js";
import { type EventSourceMappingOptions, EventSourceMappingRunner } from "../runner.js";

export const region = "us-east-1";
export const streamArn = (stream: string) => `arn:aws:kinesis:${region}:000000000000:stream/${stream}`;

export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    region,
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: new NodeHttpHandler(),
  });
}

/** Starts the engine before the file's tests and stops it after; the client is there once they run. */
export function useKinesisEngine(engine: KinesisEngine): () => KinesisClient {
  let running: RunningEmulator | undefined;
  let client: KinesisClient | undefined;
  // Generous: kinesis-local takes 2 s to start on a quiet core, and these machines are shared.
  beforeAll(async () => {
    running = await startKinesisEngine(engine, { startTimeoutMs: 60_000 });
    client = kinesisClient(running.endpoint);
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await running?.close();
  });
  return () => {
    if (!client) throw new Error(`${engine} is not running`);
    return client;
  };
}

/** Polls until the condition holds; generous by default for a loaded machine. */
export async function until(condition: () => boolean, timeoutMs = 30_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await sleep(25);
  }
}

export async function waitActive(kinesis: KinesisClient, stream: string): Promise<void> {
  for (;;) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (out.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await sleep(20);
  }
}

export async function createActiveStream(kinesis: KinesisClient, stream: string, shards: number) {
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  await waitActive(kinesis, stream);
}

/** Puts `data(i)` under partition key `key(i)` for i in [from, to), 500 per call. */
export async function putRecords(
  kinesis: KinesisClient,
  stream: string,
  from: number,
  to: number,
  key: (i: number) => string = (i) => `key-${i}`,
  data: (i: number) => Buffer = (i) => Buffer.from(`record-${i}`),
): Promise<void> {
  for (let start = from; start < to; start += 500) {
    const entries = Array.from({ length: Math.min(500, to - start) }, (_, j) => ({
      PartitionKey: key(start + j),
      Data: data(start + j),
    }));
    await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
  }
}

/** A runner with fast local settings; `destination` collects the bodies of the batches it keeps. */
export function testRunner(
  kinesis: KinesisClient,
  stream: string,
  handler: KinesisHandler,
  overrides: Partial<EventSourceMappingOptions> = {},
): { runner: EventSourceMappingRunner; destination: string[] } {
  const destination: string[] = [];
  const runner = new EventSourceMappingRunner({
    kinesis,
    streamName: stream,
    target: {
      handler,
      functionName: "fn",
      timeoutMs: 5_000,
      source: {
        streamArn: streamArn(stream),
        region,
        invokeIdentityArn: "arn:aws:iam::000000000000:role/fn",
      },
    },
    batchSize: 50,
    batchingWindowMs: 50,
    pollIntervalMs: 20,
    retryDelayMs: 0,
    keepBatch: async ({ body }) => {
      destination.push(body);
    },
    logger: pino({ level: "silent" }),
    ...overrides,
  });
  return { runner, destination };
}

export const bodyOf = (data: string) => Buffer.from(data, "base64").toString();
