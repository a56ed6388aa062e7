import type { KinesisStreamBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { KinesisHandler } from "../esm-runner/invoke-handler.js";
import type { LocalPipeline } from "../pipeline/pipeline.js";
import { expectExactlyTheTweets, scanItems, startE2ePipeline, waitForItems } from "./support/e2e.js";

/**
 * Faults around the real handler, on first sight of a batch only (so retries can make progress): every
 * third such invocation crashes before doing anything, and every other one reports its last record as
 * failed after the real handler has written it (as a timeout after the write would). The mapping's retries
 * must still leave exactly one item per tweet.
 */
function flaky(handler: KinesisHandler): {
  handler: KinesisHandler;
  faults: { crashes: number; reported: number };
} {
  const faults = { crashes: 0, reported: 0 };
  const seen = new Set<string>();
  let firstSights = 0;
  return {
    faults,
    handler: async (event, context) => {
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
    },
  };
}

let pipeline: LocalPipeline;
let faults: { crashes: number; reported: number };
beforeAll(async () => {
  pipeline = await startE2ePipeline({
    mapping: { batchSize: 50, batchingWindowMs: 100, maxRetryAttempts: 3, retryDelayMs: 5 },
    wrapHandler: (handler) => {
      const wrapped = flaky(handler);
      faults = wrapped.faults;
      return wrapped.handler;
    },
  });
});
afterAll(() => pipeline.close());

it("with injected processor failures, retries still deliver every tweet exactly once to the table", async () => {
  const x = pipeline.x;
  if (!x) throw new Error("emulator expected");

  const published = x.publish(500);
  await waitForItems(pipeline, published.length);

  expectExactlyTheTweets(await scanItems(pipeline), published);
  expect(faults.crashes).toBeGreaterThan(0);
  expect(faults.reported).toBeGreaterThan(0);
  expect(pipeline.runner.stats.retries).toBeGreaterThan(0);
  expect(pipeline.runner.stats.discarded).toBe(0);
});
