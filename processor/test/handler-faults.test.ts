import { describe, expect, it } from "vitest";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import {
  aggregated,
  kinesisEvent,
  malformedPayloads,
  plain,
  replaceData,
  sequenceNumber,
  tweet,
} from "./support/records.js";
import { tweetV2 } from "./support/v2-records.js";

let env: ProcessorEnvironment;
let nextTweet = 0;
// The default 1,000 ms safety margin, capped at a quarter of 1,500 ms remaining, leaves the writers 1,125 ms.
const SHORT_INVOCATION_MS = 1500;

/** `count` fresh tweets (no test shares a key with another) as plain records. */
function freshBatch(count: number) {
  const tweets = Array.from({ length: count }, () => tweet(nextTweet++));
  return { tweets, event: kinesisEvent(tweets.map(plain)) };
}

async function writtenIds(): Promise<Set<string>> {
  return new Set((await env.items()).map((item) => item.Id));
}

/** Nothing lost: each record is either written or reported for retry, never both, never neither. */
async function expectEveryRecordWrittenOrReported(
  tweets: readonly { id: string }[],
  failures: readonly { itemIdentifier: string }[],
) {
  const reported = new Set(failures.map((f) => f.itemIdentifier));
  const written = await writtenIds();
  const outcome = tweets.map((t, n) => written.has(t.id) !== reported.has(sequenceNumber(n)));
  expect(outcome).toEqual(tweets.map(() => true));
}

describeOnEngines("handler", (engine) => {
  useProcessorEnvironment(engine, (started) => {
    env = started;
  });

  describe("under DynamoDB faults (fault proxy in front of the engine)", () => {
    it("retries UnprocessedItems until every item is written", async () => {
      const { tweets, event } = freshBatch(60);
      const refused = new Set(tweets.filter((_, i) => i % 2 === 1).map((t) => t.id));
      env.proxy.setPlan((call) => ({
        kind: "unprocess",
        refuse: (item) => call <= 3 && refused.has(item.Id?.S ?? ""),
      }));

      const response = await env.handler(event, invocation());

      expect(response.batchItemFailures).toEqual([]);
      const written = await writtenIds();
      expect(tweets.every((t) => written.has(t.id))).toBe(true);
      expect(env.proxy.batchWriteCalls()).toBeGreaterThan(3);
    });

    it("retries an edited post's UnprocessedItems put, then deletes its earlier version", async () => {
      // The proxy used to read every entry as a put and failed on the delete.
      // An edit gets a new, higher id: the older version first.
      const olderN = nextTweet++;
      const newer = nextTweet++;
      const older = tweet(olderN, { author: tweet(newer).author });
      const edited = tweetV2(newer, { data: { edit_history_tweet_ids: [older.id, tweet(newer).id] } });
      await env.handler(kinesisEvent([plain(older)]), invocation());
      env.proxy.setPlan((call) => ({ kind: "unprocess", refuse: () => call === 1 }));

      const response = await env.handler(kinesisEvent([plain(edited)]), invocation());

      expect(response.batchItemFailures).toEqual([]);
      const written = await writtenIds();
      expect([written.has(older.id), written.has(edited.id)]).toEqual([false, true]);
      // The put, its retry, then the delete once the put is in (two phases, issue 18 item 1).
      expect(env.proxy.batchWriteCalls()).toBe(3);
    });

    it("never counts an UnprocessedItems entry it cannot recognise as written", async () => {
      const { tweets, event } = freshBatch(20);
      const refused = new Set(tweets.filter((_, i) => i % 4 === 0).map((t) => t.id));
      env.proxy.setPlan((call) => ({
        kind: "unprocess",
        disguise: true,
        refuse: (item) => call === 1 && refused.has(item.Id?.S ?? ""),
      }));

      const response = await env.handler(event, invocation());

      expect(response.batchItemFailures).toEqual([]);
      const written = await writtenIds();
      expect(tweets.filter((t) => !written.has(t.id))).toEqual([]);
      expect(env.proxy.batchWriteCalls()).toBeGreaterThan(1);
    });

    it("retries throttling (ProvisionedThroughputExceededException) with backoff", async () => {
      const { tweets, event } = freshBatch(30);
      env.proxy.setPlan((call) => (call <= 3 ? { kind: "throttle" } : { kind: "forward" }));

      const response = await env.handler(event, invocation());

      expect(response.batchItemFailures).toEqual([]);
      await expectEveryRecordWrittenOrReported(tweets, []);
      expect(env.proxy.batchWriteCalls()).toBeGreaterThanOrEqual(5);
    });

    it("reports throttled records when the deadline comes, and returns before Lambda's timeout", async () => {
      const { tweets, event } = freshBatch(30);
      env.proxy.setPlan(() => ({ kind: "throttle" }));

      const started = Date.now();
      const response = await env.handler(event, invocation(SHORT_INVOCATION_MS));

      expect(Date.now() - started).toBeLessThan(SHORT_INVOCATION_MS);
      expect(response.batchItemFailures).toEqual(
        tweets.map((_, n) => ({ itemIdentifier: sequenceNumber(n) })),
      );
      await expectEveryRecordWrittenOrReported(tweets, response.batchItemFailures);
    });

    it("aborts a write that hangs past the deadline and reports only its records", async () => {
      const { tweets, event } = freshBatch(50);
      env.proxy.setPlan((call) => (call === 1 ? { kind: "forward" } : { kind: "hang" }));

      const started = Date.now();
      const response = await env.handler(event, invocation(SHORT_INVOCATION_MS));

      expect(Date.now() - started).toBeLessThan(SHORT_INVOCATION_MS);
      expect(response.batchItemFailures).toHaveLength(25);
      await expectEveryRecordWrittenOrReported(tweets, response.batchItemFailures);
    });

    it("reports an aggregate when one of its user records cannot be written, and every copy's record", async () => {
      const [a, b, c] = [tweet(nextTweet++), tweet(nextTweet++), tweet(nextTweet++)];
      // Record 0 carries b, record 1 aggregates a and b, record 2 carries c: b is refused for good.
      const event = kinesisEvent([plain(b), aggregated([a, b]), plain(c)]);
      env.proxy.setPlan(() => ({ kind: "unprocess", refuse: (item) => item.Id?.S === b.id }));

      const response = await env.handler(event, invocation(SHORT_INVOCATION_MS));

      expect(response.batchItemFailures).toEqual([
        { itemIdentifier: sequenceNumber(0) },
        { itemIdentifier: sequenceNumber(1) },
      ]);
      const written = await writtenIds();
      expect([a, b, c].map((t) => written.has(t.id))).toEqual([true, false, true]);
    });

    it("writes a batch when less time remains than the safety margin (900 ms, default 1,000 ms margin)", async () => {
      // Before: the deadline was 100 ms in the past, nothing was written and all 25 records were reported.
      const { tweets, event } = freshBatch(25);

      const response = await env.handler(event, invocation(900));

      expect(response.batchItemFailures).toEqual([]);
      await expectEveryRecordWrittenOrReported(tweets, []);
    });
  });

  describe("when the dead-letter queue is down", () => {
    const bad = malformedPayloads();

    function batchWithMalformed() {
      const { tweets, event } = freshBatch(4);
      replaceData(event, 1, bad["not-json"]);
      replaceData(event, 3, bad.schema);
      return { good: [tweets[0], tweets[2]] as { id: string }[], event };
    }

    it.each(["server-error", "connection-reset", "entry-failures"] as const)(
      "reports the malformed records when the queue fails (%s), and still writes the good ones",
      async (fault) => {
        const { good, event } = batchWithMalformed();
        const before = env.deadLetters().length;
        env.sqs.setFailing(fault);

        const response = await env.handler(event, invocation());

        expect(response.batchItemFailures).toEqual([
          { itemIdentifier: sequenceNumber(1) },
          { itemIdentifier: sequenceNumber(3) },
        ]);
        expect(env.deadLetters().length).toBe(before);
        const written = await writtenIds();
        expect(good.every((t) => written.has(t.id))).toBe(true);
      },
    );

    it("dead-letters them once the queue is back (the retry of the reported records)", async () => {
      const { event } = batchWithMalformed();
      env.sqs.setFailing("server-error");
      const failed = await env.handler(event, invocation());
      env.sqs.setFailing(false);
      const before = env.deadLetters().length;

      const retried = await env.handler(event, invocation());

      expect(failed.batchItemFailures).toHaveLength(2);
      expect(retried.batchItemFailures).toEqual([]);
      expect(
        env
          .deadLetters()
          .slice(before)
          .map((l) => l.sequenceNumber),
      ).toEqual([sequenceNumber(1), sequenceNumber(3)]);
    });
  });

  describe("with dead letters SQS's character set must accept", () => {
    it("dead-letters a non-JSON record holding U+FFFF, and a record whose partition key holds it", async () => {
      // Before: V8's parse error quoted the record (U+FFFF and tweet text) into the reason, JSON.stringify kept
      // U+FFFF, SQS refused the body (InvalidMessageContents) and both records were reported on every retry.
      const { event } = freshBatch(3);
      const notJson = Buffer.from("\uFFFF secret tweet text", "utf8");
      replaceData(event, 0, notJson.toString("base64"));
      replaceData(event, 1, malformedPayloads().schema);
      (event.Records[1] as (typeof event.Records)[number]).kinesis.partitionKey = "pk-\uFFFF";
      const before = env.deadLetters().length;

      const response = await env.handler(event, invocation());

      expect(response.batchItemFailures).toEqual([]);
      const letters = env.deadLetters().slice(before);
      expect(letters.map((l) => [l.sequenceNumber, l.reason.kind])).toEqual([
        [sequenceNumber(0), "not-json"],
        [sequenceNumber(1), "schema"],
      ]);
      expect(Buffer.from(letters[0]?.payload ?? "", "base64")).toEqual(notJson);
      expect(letters[0]?.reason.message).not.toMatch(/secret|\uFFFF/);
      expect(letters[1]?.partitionKey).toBe("pk-\uFFFF");
    });
  });
});
