import { afterAll, beforeAll, expect, it } from "vitest";
import type { LocalPipeline } from "../pipeline/pipeline.js";
import { expectExactlyTheTweets, scanItems, startE2ePipeline, waitForItems } from "./support/e2e.js";

let pipeline: LocalPipeline;
beforeAll(async () => {
  pipeline = await startE2ePipeline();
});
afterAll(() => pipeline.close());

it("emulator → producer → kinesalite → runner → processor → dynalite: N tweets in, exactly N items out", async () => {
  // Prepare
  const x = pipeline.x;
  if (!x) throw new Error("emulator expected");

  // Act
  const published = x.publish(1_000);
  await waitForItems(pipeline, published.length);

  // Assess
  expectExactlyTheTweets(await scanItems(pipeline), published);
  expect(pipeline.sqs.messages(pipeline.names.queue)).toEqual([]);
});
