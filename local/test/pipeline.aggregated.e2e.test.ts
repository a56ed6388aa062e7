import { afterAll, beforeAll, expect, it } from "vitest";
import type { LocalPipeline } from "../pipeline/pipeline.js";
import { expectExactlyTheTweets, scanItems, startE2ePipeline, waitForItems } from "./support/e2e.js";

let pipeline: LocalPipeline;
beforeAll(async () => {
  pipeline = await startE2ePipeline({ producerEnv: { AGGREGATION: "on", BATCH_LINGER_MS: "50" } });
});
afterAll(() => pipeline.close());

it("with KPL aggregation on, N tweets in is still exactly N items out, in fewer Kinesis records", async () => {
  const x = pipeline.x;
  if (!x) throw new Error("emulator expected");

  const published = x.publish(1_000);
  await waitForItems(pipeline, published.length);

  expectExactlyTheTweets(await scanItems(pipeline), published);
  // Aggregation packs many tweets per Kinesis record: the mapping sees far fewer records than tweets.
  expect(pipeline.runner.stats.records).toBeLessThan(published.length / 10);
  expect(pipeline.sqs.messages(pipeline.names.queue)).toEqual([]);
});
