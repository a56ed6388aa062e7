import { setTimeout as sleep } from "node:timers/promises";
import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { MAX_INVOCATION_PAYLOAD_BYTES } from "../payload-limit.js";
import { bodyOf, createActiveStream, putRecords, testRunner, until, useKinesisEngine } from "./runner-rig.js";

const kinesis = useKinesisEngine("kinesalite");

// `until` waits up to 30 s, as long as vitest's default test timeout: under load vitest would kill the test
// before `until` said which condition was not met. Each test gets 90 s: room for its waits plus start and stop.
describe("EventSourceMappingRunner at Lambda's limits", () => {
  it("keeps one invocation in flight per shard when an invocation outlives its timeout", async () => {
    // A function that hangs for 4 timeouts on its first two invocations, counting how many run at once.
    const stream = "limits-timeout";
    await createActiveStream(kinesis(), stream, 1);
    await putRecords(kinesis(), stream, 0, 10);
    let inFlight = 0;
    let mostInFlight = 0;
    let calls = 0;
    const delivered = new Set<string>();
    const handler = async (event: KinesisStreamEvent) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        if (++calls <= 2) await sleep(800);
        for (const r of event.Records) delivered.add(bodyOf(r.kinesis.data));
        return { batchItemFailures: [] };
      } finally {
        inFlight--;
      }
    };
    const { runner, destination } = testRunner(kinesis(), stream, handler, {
      target: {
        handler,
        functionName: "fn",
        timeoutMs: 200,
        source: { streamArn: "arn", region: "us-east-1", invokeIdentityArn: "role" },
      },
      maxRetryAttempts: 3,
      bisectOnError: false,
    });

    await runner.start();
    await until(
      () => delivered.size === 10 && inFlight === 0 && runner.stats.invocations >= 3,
      30_000,
      "10 records delivered after 3 invocations, none in flight",
    );
    await runner.stop();

    expect(mostInFlight).toBe(1);
    expect(runner.stats.timedOut).toBe(2);
    expect(destination).toEqual([]);
  }, 90_000);

  it("trims a batch to Lambda's 6 MB invocation payload and delivers the rest in the next batch", async () => {
    // Six records of 900 KiB: about 1.23 MB each once base64 in the event, so five fit in one and one is left.
    const stream = "limits-payload";
    await createActiveStream(kinesis(), stream, 1);
    for (let i = 0; i < 6; i++) {
      await putRecords(kinesis(), stream, i, i + 1, undefined, () => Buffer.alloc(900 * 1024, 97 + i));
    }
    const payloadBytes: number[] = [];
    let records = 0;
    const handler = async (event: KinesisStreamEvent) => {
      payloadBytes.push(Buffer.byteLength(JSON.stringify(event)));
      records += event.Records.length;
      return { batchItemFailures: [] };
    };
    const { runner } = testRunner(kinesis(), stream, handler, { batchSize: 6, batchingWindowMs: 200 });

    await runner.start();
    await until(() => records === 6, 30_000, "6 records delivered");
    await runner.stop();

    expect(Math.max(...payloadBytes)).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(payloadBytes).toHaveLength(2);
    expect(runner.stats.trimmedBatches).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it("sends records older than the maximum record age to the on-failure destination without invoking", async () => {
    const stream = "limits-record-age";
    await createActiveStream(kinesis(), stream, 1);
    await putRecords(kinesis(), stream, 0, 5);
    await sleep(1_200);
    let invocations = 0;
    const { runner, destination } = testRunner(
      kinesis(),
      stream,
      async () => {
        invocations++;
        return { batchItemFailures: [] };
      },
      { maxRecordAgeMs: 1_000 },
    );

    await runner.start();
    await until(() => destination.length === 1, 30_000, "1 on-failure record");
    await runner.stop();

    expect(invocations).toBe(0);
    expect(runner.stats.expired).toBe(5);
    const failure = JSON.parse(destination[0] ?? "{}");
    expect(failure.requestContext).toMatchObject({
      condition: "RecordAgeExceeded",
      approximateInvokeCount: 0,
    });
    expect(failure.responseContext.functionError).toBe("Unhandled");
    expect(failure.KinesisBatchInfo).toMatchObject({ batchSize: 5, shardId: "shardId-000000000000" });
  }, 90_000);
});
