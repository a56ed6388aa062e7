import { expect, it } from "vitest";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import {
  aggregated,
  kinesisEvent,
  malformedPayloads,
  plain,
  sequenceNumber,
  tweet,
  withRawData,
} from "./support/records.js";

// The fault cases handler-faults.test.ts leaves out: a batch with nothing to write, and a whole batch delivered
// again (Lambda retries a batch after a timeout or a crash, after part of it was written).
let env: ProcessorEnvironment;

describeOnEngines("handler on redelivered and all-bad batches", (engine) => {
  useProcessorEnvironment(engine, (started) => {
    env = started;
  });

  it("dead-letters a batch of only malformed records, writes nothing, reports no failure", async () => {
    // Prepare
    const bad = malformedPayloads();
    const kinds = Object.keys(bad) as (keyof typeof bad)[];
    const base = kinesisEvent(kinds.map(() => plain(tweet(500))));
    const event = { Records: base.Records.map((r, i) => withRawData(r, bad[kinds[i] as keyof typeof bad])) };
    const itemsBefore = await env.items();
    const lettersBefore = env.deadLetters().length;

    // Act
    const response = await env.handler(event, invocation());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await env.items()).toEqual(itemsBefore);
    expect(
      env
        .deadLetters()
        .slice(lettersBefore)
        .map((l) => l.sequenceNumber),
    ).toEqual(kinds.map((_, i) => sequenceNumber(i)));
  });

  it("leaves the table identical when the same batch is delivered twice", async () => {
    // Prepare: plain and aggregated records, one tweet in two copies.
    const tweets = Array.from({ length: 40 }, (_, i) => tweet(600 + i));
    const event = kinesisEvent([
      ...tweets.slice(0, 20).map(plain),
      aggregated(tweets.slice(20)),
      plain(tweets[0] as (typeof tweets)[number]),
    ]);
    await env.handler(event, invocation());
    const once = await env.items();

    // Act
    const response = await env.handler(event, invocation());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const twice = await env.items();
    // Identical except ProcessedAt, which records the latest write by design.
    const byKey = (items: typeof once) =>
      items
        .map(({ ProcessedAt: _, ...rest }) => rest)
        .sort((a, b) => `${a.Username}/${a.Id}`.localeCompare(`${b.Username}/${b.Id}`));
    expect(byKey(twice)).toEqual(byKey(once));
    const ids = new Set(once.map((item) => item.Id));
    expect(tweets.every((t) => ids.has(t.id))).toBe(true);
  });
});
