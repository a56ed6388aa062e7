import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { KINESIS_ENGINES } from "../../emulators/kinesis-engine.js";
import {
  bodyOf,
  createActiveStream,
  putRecords,
  region,
  streamArn,
  testRunner,
  until,
  useKinesisEngine,
} from "./runner-rig.js";

// `until` waits up to 30 s, as long as vitest's default test timeout: under load vitest would kill the test
// before `until` said which condition was not met. Each test gets 90 s: room for its waits plus start and stop.
describe.each(KINESIS_ENGINES)("EventSourceMappingRunner against %s", (engine) => {
  const kinesis = useKinesisEngine(engine);

  it("delivers every record in shard order, Lambda-shaped, retrying reported failures", async () => {
    // Prepare: two shards, and a function that fails every 7th record on its first sight.
    const stream = "runner-order";
    await createActiveStream(kinesis(), stream, 2);
    await putRecords(kinesis(), stream, 0, 300);
    const seen = new Map<string, number>();
    const firstEvent: KinesisStreamEvent[] = [];
    const perShard = new Map<string, string[]>();
    const handler = async (event: KinesisStreamEvent) => {
      firstEvent.push(event);
      const failures: { itemIdentifier: string }[] = [];
      for (const r of event.Records) {
        const body = bodyOf(r.kinesis.data);
        const times = (seen.get(body) ?? 0) + 1;
        seen.set(body, times);
        if (times === 1 && Number(body.split("-")[1]) % 7 === 0)
          failures.push({ itemIdentifier: r.kinesis.sequenceNumber });
        const shard = r.eventID.split(":")[0] ?? "";
        perShard.set(shard, [...(perShard.get(shard) ?? []), r.kinesis.sequenceNumber]);
      }
      return { batchItemFailures: failures };
    };
    const { runner, destination } = testRunner(kinesis(), stream, handler);

    // Act
    await runner.start();
    await until(() => seen.size === 300, 30_000, "300 records delivered");
    await runner.stop();

    // Assess
    expect([...seen.keys()].sort()).toEqual(Array.from({ length: 300 }, (_, i) => `record-${i}`).sort());
    expect(destination).toEqual([]);
    expect(runner.stats.retries).toBeGreaterThan(0);
    const record = firstEvent[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: "aws:kinesis",
      eventSourceARN: streamArn(stream),
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
  }, 90_000);

  it("keeps a poisoned record whole at the on-failure destination after its retries (waiting out a destination outage) and moves on", async () => {
    const stream = "runner-poison";
    await createActiveStream(kinesis(), stream, 1);
    await putRecords(kinesis(), stream, 0, 20);
    const delivered = new Set<string>();
    const handler = async (event: KinesisStreamEvent) => {
      const bodies = event.Records.map((r) => bodyOf(r.kinesis.data));
      if (bodies.includes("record-5")) throw new Error("cannot handle record-5");
      for (const b of bodies) delivered.add(b);
      return { batchItemFailures: [] };
    };
    const destination: string[] = [];
    const keys: string[] = [];
    let destinationFailures = 2;
    const { runner } = testRunner(kinesis(), stream, handler, {
      batchSize: 20,
      batchingWindowMs: 0,
      maxRetryAttempts: 1,
      // The destination is down for its first two sends: the shard waits for it instead of crashing.
      keepBatch: async ({ key, body }) => {
        if (destinationFailures-- > 0) throw new Error("S3 unavailable");
        keys.push(key);
        destination.push(body);
      },
    });

    await runner.start();
    await until(
      () => delivered.size === 19 && destination.length === 1,
      30_000,
      "19 records delivered and 1 on-failure record",
    );
    await runner.stop();

    expect(delivered.has("record-5")).toBe(false);
    expect(destinationFailures).toBe(-1); // two refused sends, then the one that was stored
    const failure = JSON.parse(destination[0] ?? "{}");
    // AWS's documented shape: a UUID request id, Lambda's error type, and no error text (that goes to the log).
    expect(failure.requestContext).toMatchObject({
      requestId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      condition: "RetryAttemptsExhausted",
      approximateInvokeCount: 2,
    });
    expect(failure.responseContext).toEqual({
      statusCode: 200,
      executedVersion: "$LATEST",
      functionError: "Unhandled",
    });
    expect(destination[0]).not.toContain("cannot handle");
    expect(failure.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      shardId: "shardId-000000000000",
      streamArn: streamArn(stream),
    });
    // As Lambda writes to S3: the whole invocation in `payload` (a JSON object), under Lambda's key layout.
    const payload = failure.payload;
    expect(payload.Records.map((r: { kinesis: { data: string } }) => bodyOf(r.kinesis.data))).toEqual([
      "record-5",
    ]);
    expect(payload.Records[0]).toMatchObject({
      eventSource: "aws:kinesis",
      eventSourceARN: streamArn(stream),
    });
    expect(keys[0]).toMatch(
      /^aws\/lambda\/[0-9a-f-]{36}\/shardId-000000000000\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$/,
    );
    expect(runner.stats).toMatchObject({ keptBatches: 1, keptRecords: 1 });
  }, 90_000);
});
