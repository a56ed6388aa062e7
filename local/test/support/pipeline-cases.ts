import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { KinesisStreamBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KinesisEngine } from "../../emulators/kinesis-engine.js";
import type { KinesisHandler } from "../../esm-runner/invoke-handler.js";
import { localKinesisClient } from "../../pipeline/aws-resources.js";
import type { LocalPipeline, PipelineOptions } from "../../pipeline/pipeline.js";
import {
  expectExactlyTheTweets,
  expectQueuesEmpty,
  keptBatchFiles,
  scanItems,
  startE2ePipeline,
  waitForItems,
} from "./e2e.js";

// The pipeline's end-to-end cases, each run on both Kinesis engines by thin test files (one pipeline per file:
// the processor reads its endpoints once, at cold start, as in Lambda).

/** Generous: kinesis-local alone takes 2 s to start on a quiet core, and these machines are shared. */
const START_TIMEOUT_MS = 90_000;
const ITEMS_TIMEOUT_MS = 180_000;
const CASE_TIMEOUT_MS = 240_000;

/**
 * kinesis-local answers a 500-record PutRecords in seconds, and in over 10 s (the producer's default request
 * timeout) on a loaded machine. Retrying a slow engine only adds to its work, so the producer waits longer.
 */
function engineProducerEnv(engine: KinesisEngine): Record<string, string> {
  return engine === "kinesis-local" ? { KINESIS_REQUEST_TIMEOUT_MS: "120000" } : {};
}

function withPipeline(engine: KinesisEngine, options: Partial<PipelineOptions> = {}): () => LocalPipeline {
  let pipeline: LocalPipeline | undefined;
  beforeAll(async () => {
    pipeline = await startE2ePipeline(engine, {
      ...options,
      producerEnv: { ...engineProducerEnv(engine), ...options.producerEnv },
    });
  }, START_TIMEOUT_MS);
  afterAll(() => pipeline?.close(), START_TIMEOUT_MS);
  return () => {
    if (!pipeline) throw new Error("pipeline not started");
    return pipeline;
  };
}

function emulatorOf(pipeline: LocalPipeline) {
  if (!pipeline.x) throw new Error("emulator expected");
  return pipeline.x;
}

export function plainCase(engine: KinesisEngine): void {
  describe(`the local pipeline on ${engine}`, () => {
    const pipeline = withPipeline(engine);
    it(
      "emulator → producer → Kinesis → runner → processor → dynalite: N tweets in, exactly N items out",
      async () => {
        const published = emulatorOf(pipeline()).publish(1_000);
        await waitForItems(pipeline(), published.length, ITEMS_TIMEOUT_MS);

        expectExactlyTheTweets(await scanItems(pipeline()), published);
        expectQueuesEmpty(pipeline());
      },
      CASE_TIMEOUT_MS,
    );
  });
}

export function aggregatedCase(engine: KinesisEngine): void {
  describe(`the local pipeline on ${engine}, KPL aggregation on`, () => {
    const pipeline = withPipeline(engine, { producerEnv: { AGGREGATION: "on", BATCH_LINGER_MS: "50" } });
    it(
      "N tweets in is still exactly N items out, in fewer Kinesis records",
      async () => {
        const published = emulatorOf(pipeline()).publish(1_000);
        await waitForItems(pipeline(), published.length, ITEMS_TIMEOUT_MS);

        expectExactlyTheTweets(await scanItems(pipeline()), published);
        // Aggregation packs many tweets per Kinesis record: the mapping sees far fewer records than tweets.
        expect(pipeline().runner.stats.records).toBeLessThan(published.length / 10);
        expectQueuesEmpty(pipeline());
      },
      CASE_TIMEOUT_MS,
    );
  });
}

/**
 * Faults around the real handler, on first sight of a batch only (so retries can make progress): every
 * third such invocation crashes before doing anything, and every other one reports its last record as
 * failed after the real handler has written it (as a timeout after the write would). The mapping's retries
 * must still leave exactly one item per tweet.
 */
function flaky(handler: KinesisHandler, faults: { crashes: number; reported: number }): KinesisHandler {
  const seen = new Set<string>();
  let firstSights = 0;
  return async (event, context) => {
    const sequenceNumbers = event.Records.map((r) => r.kinesis.sequenceNumber);
    const firstSight = sequenceNumbers.every((s) => !seen.has(s));
    for (const s of sequenceNumbers) seen.add(s);
    if (firstSight) firstSights++;
    if (firstSight && firstSights % 3 === 0) {
      faults.crashes++;
      throw new Error("injected crash");
    }
    const response = (await handler(event, context)) as KinesisStreamBatchResponse;
    const last = event.Records.at(-1);
    if (firstSight && firstSights % 2 === 0 && last) {
      faults.reported++;
      return {
        batchItemFailures: [...response.batchItemFailures, { itemIdentifier: last.kinesis.sequenceNumber }],
      };
    }
    return response;
  };
}

export function faultsCase(engine: KinesisEngine): void {
  describe(`the local pipeline on ${engine}, with injected processor failures`, () => {
    const faults = { crashes: 0, reported: 0 };
    const pipeline = withPipeline(engine, {
      mapping: { batchSize: 50, batchingWindowMs: 100, maxRetryAttempts: 3, retryDelayMs: 5 },
      wrapHandler: (handler) => flaky(handler, faults),
    });
    it(
      "retries still deliver every tweet exactly once to the table",
      async () => {
        const published = emulatorOf(pipeline()).publish(500);
        await waitForItems(pipeline(), published.length, ITEMS_TIMEOUT_MS);

        expectExactlyTheTweets(await scanItems(pipeline()), published);
        expect(faults.crashes).toBeGreaterThan(0);
        expect(faults.reported).toBeGreaterThan(0);
        expect(pipeline().runner.stats.retries).toBeGreaterThan(0);
        expect(pipeline().runner.stats.discarded).toBe(0);
      },
      CASE_TIMEOUT_MS,
    );
  });
}

/**
 * Two destinations, each with one shape: a record the processor cannot decode becomes a dead letter in
 * `<stack>-processor-dlq`; a batch the mapping gives up on (here the function crashes on one record until its
 * retries are exhausted) is kept whole in the failed-batch folder (the stack's bucket).
 */
export function separateQueuesCase(engine: KinesisEngine): void {
  describe(`the local pipeline on ${engine}: dead letters and on-failure records`, () => {
    const pipeline = withPipeline(engine, {
      mapping: { batchSize: 100, batchingWindowMs: 100, maxRetryAttempts: 1, retryDelayMs: 5 },
      wrapHandler: (handler) => async (event, context) => {
        if (event.Records.some((r) => r.kinesis.partitionKey === "crashes-the-function")) {
          throw new Error("injected crash");
        }
        return handler(event, context);
      },
    });
    it(
      "go to their own queues",
      async () => {
        const p = pipeline();
        const kinesis = localKinesisClient(p.endpoints.kinesis, "us-east-1");
        await kinesis.send(
          new PutRecordsCommand({
            StreamName: p.names.stream,
            Records: [
              { PartitionKey: "not-json", Data: Buffer.from("this is not an event") },
              { PartitionKey: "crashes-the-function", Data: Buffer.from("{}") },
            ],
          }),
        );
        kinesis.destroy();
        await until(() => p.sqs.messages(p.names.queue).length + keptBatchFiles(p).length >= 2);

        const [deadLetter, ...moreDeadLetters] = p.sqs.messages(p.names.queue).map((m) => JSON.parse(m.body));
        const [failure, ...moreFailures] = keptBatchFiles(p).map((file) =>
          JSON.parse(readFileSync(file, "utf8")),
        );
        expect([moreDeadLetters, moreFailures]).toEqual([[], []]);
        expect(deadLetter).not.toHaveProperty("requestContext");
        expect(deadLetter).not.toHaveProperty("KinesisBatchInfo");
        expect(failure).toMatchObject({
          requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 2 },
          responseContext: { functionError: "Unhandled" },
          KinesisBatchInfo: { batchSize: 1 },
        });
      },
      CASE_TIMEOUT_MS,
    );
  });
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await sleep(50);
  }
}
