import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "./support/app-harness.js";
import { type Fault, type FaultKinesis, startFaultKinesis } from "./support/fault-kinesis.js";
import { deliveredIds } from "./support/spooled-writer.js";
import { tweetEvents } from "./support/tweets.js";
import { metricValue, startWriter, type WriterUnderTest } from "./support/writer-harness.js";

let endpoint: FaultKinesis | undefined;
let underTest: WriterUnderTest | undefined;
afterEach(async () => {
  await underTest?.writer.close(0);
  underTest?.client.destroy();
  await endpoint?.close();
});

describe("a request Kinesis refuses as invalid", () => {
  it("keeps every record and says so when Kinesis refuses every request (a configuration fault)", async () => {
    // Prepare: every call refused, as the wrong region's endpoint or a request size the stream refuses would.
    let fault: Fault = { kind: "error", status: 400, type: "InvalidArgumentException" };
    endpoint = await startFaultKinesis(() => fault);
    underTest = startWriter(endpoint.endpoint);
    const { writer, metrics } = underTest;
    const events = tweetEvents(2_000);

    // Act: push without waiting (the buffer holds them all), let every kind of call be refused for a while.
    for (const event of events) writer.push(event, Date.now());
    await eventually(
      async () =>
        (await metricValue(metrics.refusingAllRequests)) === 1 && (endpoint?.calls.length ?? 0) > 20,
      20_000,
      "every request refused, single-record calls included",
    );
    const whileRefused = {
      dropped: await metricValue(metrics.recordsDropped, { reason: "rejected" }),
      held: writer.held.records,
      health: { ok: writer.health.ok, detail: writer.health.detail },
    };
    fault = { kind: "ok" };
    await eventually(() => writer.held.records === 0, 30_000, "everything sent once Kinesis accepts");

    // Assess
    expect(whileRefused.dropped).toBe(0);
    expect(whileRefused.held).toBe(2_000);
    expect(whileRefused.health.ok).toBe(false);
    expect(whileRefused.health.detail).toMatch(
      /Kinesis refuses every request as invalid \(InvalidArgumentException: injected fault\); records are kept: check KINESIS_STREAM_ARN against AWS_REGION, and BATCH_MAX_BYTES/,
    );
    expect(deliveredIds(endpoint.stored).ids.size).toBe(2_000);
    expect(await metricValue(metrics.recordsDropped, { reason: "rejected" })).toBe(0);
    expect(await metricValue(metrics.refusingAllRequests)).toBe(0);
  }, 60_000);
});
