import { expect, it } from "vitest";
import { encodeEvent } from "../../events/index.js";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import { aggregated, kinesisEvent, plain, sequenceNumber, tweet } from "./support/records.js";

// The handler when DynamoDB refuses an item (a ValidationException for the whole 25-item call). A real tweet
// cannot make one (Raw is bytes, never a map; dynamodb-rejected.test.ts has the engines' own refusals at the writer):
// the fault proxy refuses every call that carries the chosen item and forwards the others to the engine.
let env: ProcessorEnvironment;
let next = 10_000;
const REFUSAL = "ValidationException (HTTP 400): injected validation error";

type Tweet = ReturnType<typeof tweet>;
const freshTweets = (count: number): Tweet[] => Array.from({ length: count }, () => tweet(next++));

describeOnEngines("handler when DynamoDB refuses one item", (engine) => {
  useProcessorEnvironment(engine, (started) => {
    env = started;
  });

  const refuse = (id: string) =>
    env.proxy.setPlan(() => ({ kind: "reject", when: (item) => item.Id?.S === id }));
  const writtenIds = async () => new Set((await env.items()).map((item) => item.Id));

  it("dead-letters that item's record with DynamoDB's message and writes the other 24", async () => {
    // Before: all 25 records reported, retried by the mapping and then discarded with metadata only.
    const tweets = freshTweets(25);
    const bad = tweets[7] as (typeof tweets)[number];
    refuse(bad.id);
    const before = env.deadLetters().length;

    const response = await env.handler(kinesisEvent(tweets.map(plain)), invocation());

    expect(response.batchItemFailures).toEqual([]);
    const written = await writtenIds();
    expect(tweets.filter((t) => written.has(t.id)).map((t) => t.id)).toEqual(
      tweets.filter((t) => t !== bad).map((t) => t.id),
    );
    const letters = env.deadLetters().slice(before);
    expect(letters).toMatchObject([
      {
        sequenceNumber: sequenceNumber(7),
        subSequenceNumber: 0,
        reason: { kind: "dynamodb-rejected", message: REFUSAL },
        payload: encodeEvent(bad).toString("base64"),
      },
    ]);
    expect(env.proxy.batchWriteCalls()).toBe(11);
  });

  it("letters only the refused user record of an aggregate, with its own bytes and position", async () => {
    const [a, b, bad, c] = freshTweets(4) as [Tweet, Tweet, Tweet, Tweet];
    refuse(bad.id);
    const before = env.deadLetters().length;

    const response = await env.handler(
      kinesisEvent([plain(a), aggregated([b, bad]), plain(c)]),
      invocation(),
    );

    expect(response.batchItemFailures).toEqual([]);
    const written = await writtenIds();
    expect([a, b, bad, c].map((t) => written.has(t.id))).toEqual([true, true, false, true]);
    expect(env.deadLetters().slice(before)).toMatchObject([
      {
        sequenceNumber: sequenceNumber(1),
        subSequenceNumber: 1,
        payload: encodeEvent(bad).toString("base64"),
      },
    ]);
  });

  it("reports the refused item's record when the queue is down too, and still writes the rest", async () => {
    const tweets = freshTweets(25);
    refuse((tweets[3] as (typeof tweets)[number]).id);
    env.sqs.setFailing("server-error");

    const response = await env.handler(kinesisEvent(tweets.map(plain)), invocation());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(3) }]);
    const written = await writtenIds();
    expect(tweets.filter((t) => !written.has(t.id)).map((t) => t.id)).toEqual([tweets[3]?.id]);
  });

  it("reports every record and dead-letters none when DynamoDB refuses each item alone (a systemic refusal)", async () => {
    // Before: all 30 records were dead-lettered and acknowledged, so a table whose key no longer matches
    // drained the whole stream into the queue. Now they are reported for retry: the mapping retries up to its retry
    // limit, then keeps the batch whole in the failed-batch bucket, for `npm run replay` after the fix.
    const tweets = freshTweets(30);
    env.proxy.setPlan(() => ({ kind: "reject" }));
    const before = env.deadLetters().length;

    const response = await env.handler(kinesisEvent(tweets.map(plain)), invocation());

    expect(response.batchItemFailures).toEqual(tweets.map((_, n) => ({ itemIdentifier: sequenceNumber(n) })));
    expect(env.deadLetters().slice(before)).toEqual([]);
    const written = await writtenIds();
    expect(tweets.filter((t) => written.has(t.id))).toEqual([]);
    // Each chunk is still split to the single item before it is judged systemic: 49 calls for 25, 9 for 5.
    expect(env.proxy.batchWriteCalls()).toBe(58);
  });

  it.each([
    ["inside the first 25-request call", 12],
    ["as the whole last call (2 of 27)", 25],
  ])("dead-letters two bad items of a 27-item batch wherever they sit: %s", async (_, first) => {
    // Before: judged per call, the last call of a 27-item batch (the 2 bad items alone) was called systemic and
    // its records retried until the mapping gave up; the same items inside a call of 25 were dead-lettered.
    const tweets = freshTweets(27);
    const bad = new Set([tweets[first]?.id, tweets[first + 1]?.id]);
    env.proxy.setPlan(() => ({ kind: "reject", when: (item) => bad.has(item.Id?.S) }));
    const before = env.deadLetters().length;

    const response = await env.handler(kinesisEvent(tweets.map(plain)), invocation());

    expect(response.batchItemFailures).toEqual([]);
    expect(
      env
        .deadLetters()
        .slice(before)
        .map((l) => l.sequenceNumber),
    ).toEqual([sequenceNumber(first), sequenceNumber(first + 1)]);
    const written = await writtenIds();
    expect(tweets.filter((t) => written.has(t.id))).toHaveLength(25);
  });
});
