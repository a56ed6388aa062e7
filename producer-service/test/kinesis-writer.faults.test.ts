import { afterEach, describe, expect, it } from "vitest";
import { deaggregate, encodeEvent, isAggregated } from "../../events/index.js";
import {
  type FaultKinesis,
  type FaultPlan,
  type ReceivedCall,
  startFaultKinesis,
} from "./support/fault-kinesis.js";
import { tweetEvent, tweetEvents } from "./support/tweets.js";
import { metricValue, pushAll, startWriter, type WriterUnderTest } from "./support/writer-harness.js";

let endpoint: FaultKinesis | undefined;
let underTest: WriterUnderTest | undefined;

afterEach(async () => {
  await underTest?.writer.close(0);
  underTest?.client.destroy();
  await endpoint?.close();
  endpoint = undefined;
  underTest = undefined;
});

async function setUp(plan: FaultPlan, options: Parameters<typeof startWriter>[1] = {}) {
  endpoint = await startFaultKinesis(plan);
  underTest = startWriter(endpoint.endpoint, options);
  return { endpoint, ...underTest };
}

const key = (data: Buffer) => data.toString("latin1");

/** The user records an entry carries: an aggregate's, or the entry itself (an aggregate of one is sent plain). */
function userRecordsOf(entry: { data: Buffer }): { data: Buffer }[] {
  if (!isAggregated(entry.data)) return [entry];
  const records = deaggregate(entry.data);
  expect(records.ok).toBe(true);
  return records.ok ? records.value.map((r) => ({ data: Buffer.from(r.data) })) : [];
}

/** How often each record was received, and how often it was received after it had been stored. */
function deliveries(calls: ReceivedCall[]) {
  const received = new Map<string, number>();
  const storedAt = new Map<string, number>();
  let resentAfterStored = 0;
  calls.forEach((call, c) => {
    call.entries.forEach((entry, i) => {
      const k = key(entry.data);
      received.set(k, (received.get(k) ?? 0) + 1);
      if (storedAt.has(k)) resentAfterStored++;
      if (!call.failed.includes(i) && call.fault !== "hang") storedAt.set(k, c);
    });
  });
  return { received, resentAfterStored };
}

function expectStoredOnce(stored: { data: Buffer }[], events: ReturnType<typeof tweetEvents>) {
  const counts = new Map<string, number>();
  for (const entry of stored) counts.set(key(entry.data), (counts.get(key(entry.data)) ?? 0) + 1);
  expect(counts.size).toBe(events.length);
  for (const event of events) expect(counts.get(key(encodeEvent(event)))).toBe(1);
}

describe("KinesisWriter against a faulty PutRecords endpoint", () => {
  it("resends only the failed entries of partially failed calls", async () => {
    // Prepare: the first four calls fail every third entry, alternating the two per-entry error codes.
    const codes = ["ProvisionedThroughputExceededException", "InternalFailure"];
    const { writer, metrics } = await setUp(
      (call) =>
        call < 4
          ? { kind: "partial", errorCode: (i) => (i % 3 === 0 ? codes[call % 2] : undefined) }
          : { kind: "ok" },
      { maxRecords: 100 },
    );
    const events = tweetEvents(600);

    // Act
    await pushAll(writer, events);
    await writer.close(10_000);

    // Assess
    const calls = endpoint?.calls ?? [];
    expectStoredOnce(endpoint?.stored ?? [], events);
    const { received, resentAfterStored } = deliveries(calls);
    expect(resentAfterStored).toBe(0);
    const failedEntries = calls.slice(0, 4).reduce((n, c) => n + c.failed.length, 0);
    expect(failedEntries).toBeGreaterThan(0);
    const totalReceived = [...received.values()].reduce((a, b) => a + b, 0);
    expect(totalReceived).toBe(events.length + failedEntries);
    // Retried entries travel ahead of fresh ones.
    const seen = new Set<string>();
    for (const call of calls) {
      const resent = call.entries.map((e) => seen.has(key(e.data)));
      expect(resent.indexOf(false) === -1 || !resent.slice(resent.indexOf(false)).includes(true)).toBe(true);
      for (const e of call.entries) seen.add(key(e.data));
    }

    const failedByCode = await Promise.all(codes.map((code) => metricValue(metrics.recordsFailed, { code })));
    expect(failedByCode.reduce((a, b) => a + b, 0)).toBe(failedEntries);
    expect(failedByCode.every((n) => n > 0)).toBe(true);
    expect(await metricValue(metrics.putRequests, { outcome: "partial" })).toBe(4);
    expect(await metricValue(metrics.recordsPut)).toBe(events.length);
    expect(await metricValue(metrics.possibleDuplicates)).toBe(0);
  });

  it.each([
    { type: "ProvisionedThroughputExceededException", status: 400, outcome: "throttled" },
    { type: "LimitExceededException", status: 400, outcome: "throttled" },
    { type: "InternalFailure", status: 500, outcome: "error" },
    { type: "ServiceUnavailable", status: 503, outcome: "error" },
  ])(
    "slows down and loses nothing when whole calls fail with $status $type",
    async ({ type, status, outcome }) => {
      // Prepare
      const { writer, metrics } = await setUp(
        (call) => (call < 3 ? { kind: "error", status, type } : { kind: "ok" }),
        {
          throttleBackoff: { baseMs: 40, maxMs: 1_000 },
          retryBackoff: { baseMs: 1, maxMs: 1 },
        },
      );
      const events = tweetEvents(300);

      // Act
      await pushAll(writer, events);
      await writer.close(10_000);

      // Assess
      const calls = endpoint?.calls ?? [];
      expectStoredOnce(endpoint?.stored ?? [], events);
      expect(deliveries(calls).resentAfterStored).toBe(0);
      expect(await metricValue(metrics.putRequests, { outcome })).toBe(3);
      expect(await metricValue(metrics.recordsFailed, { code: type })).toBe(
        calls.slice(0, 3).reduce((n, c) => n + c.entries.length, 0),
      );
      // The gap between calls doubled after each failure: 40, 80, 160 ms (timers may fire a millisecond early).
      const gaps = calls.slice(1, 4).map((c, i) => c.atMs - (calls[i]?.atMs ?? 0));
      expect(gaps[0]).toBeGreaterThanOrEqual(38);
      expect(gaps[1]).toBeGreaterThanOrEqual(78);
      expect(gaps[2]).toBeGreaterThanOrEqual(158);
    },
  );

  it("reports Kinesis unhealthy while calls fail and healthy again after one succeeds", async () => {
    // Prepare
    let failing = true;
    const { writer } = await setUp(() =>
      failing ? { kind: "error", status: 400, type: "ResourceNotFoundException" } : { kind: "ok" },
    );

    // Act
    writer.push(tweetEvent(1), Date.now());
    await new Promise((r) => setTimeout(r, 100));
    const whileFailing = { ok: writer.health.ok, detail: writer.health.detail };
    failing = false;
    await writer.close(10_000);

    // Assess
    expect(whileFailing).toEqual({
      ok: false,
      detail: "last PutRecords call failed: ResourceNotFoundException",
    });
    expect(writer.health.ok).toBe(true);
    expect(endpoint?.stored).toHaveLength(1);
  });

  it("resends the records of a timed-out call and counts them as possible duplicates", async () => {
    // Prepare: the first call is stored but its answer never comes; the second is lost entirely.
    const { writer, metrics } = await setUp(
      (call) =>
        call === 0
          ? { kind: "hang", store: true }
          : call === 1
            ? { kind: "hang", store: false }
            : { kind: "ok" },
      { requestTimeoutMs: 300, maxRecords: 50, maxInFlight: 1 },
    );
    const events = tweetEvents(100);

    // Act
    await pushAll(writer, events);
    await writer.close(10_000);

    // Assess
    const calls = endpoint?.calls ?? [];
    const stored = new Map<string, number>();
    for (const e of endpoint?.stored ?? []) stored.set(key(e.data), (stored.get(key(e.data)) ?? 0) + 1);
    for (const event of events) expect(stored.get(key(encodeEvent(event)))).toBeGreaterThanOrEqual(1);
    const duplicated = [...stored.values()].filter((n) => n > 1).length;
    expect(duplicated).toBe(calls[0]?.entries.length);
    const timedOut = (calls[0]?.entries.length ?? 0) + (calls[1]?.entries.length ?? 0);
    expect(await metricValue(metrics.possibleDuplicates)).toBe(timedOut);
    expect(await metricValue(metrics.recordsFailed, { code: "Timeout" })).toBe(timedOut);
    expect(await metricValue(metrics.putRequests, { outcome: "error" })).toBe(2);
    expect(await metricValue(metrics.recordsPut)).toBe(events.length);
  });

  it("rebuilds aggregates from the records when an aggregated call fails", async () => {
    // Prepare: the first two calls fail as a whole; an aggregate holds about 30 tweets.
    const { writer } = await setUp(
      (call) => (call < 2 ? { kind: "error", status: 500, type: "InternalFailure" } : { kind: "ok" }),
      { aggregation: true, maxBytes: 10_000, maxRecords: 500 },
    );
    const events = tweetEvents(300);

    // Act
    await pushAll(writer, events);
    await writer.close(10_000);

    // Assess: the failed calls carried whole aggregates, and their records were stored once each.
    const calls = endpoint?.calls ?? [];
    expect(calls.length).toBeGreaterThan(2);
    const failedEntries = calls.slice(0, 2).flatMap((call) => call.entries);
    const failedRecords = failedEntries.flatMap(userRecordsOf);
    // Whole aggregates (several records per entry), however many tweets the linger let into each call.
    expect(failedRecords.length).toBeGreaterThan(failedEntries.length);
    const sent = new Set(events.map((event) => key(encodeEvent(event))));
    for (const record of failedRecords) expect(sent.has(key(record.data))).toBe(true);
    const userRecords = (endpoint?.stored ?? []).flatMap(userRecordsOf);
    expectStoredOnce(userRecords, events);
  });

  it("sends the records of a call refused as invalid one by one and drops only the refused record", async () => {
    // Prepare: any call carrying tweet #7 is refused as a whole.
    const poison = key(encodeEvent(tweetEvent(7)));
    const { writer, metrics } = await setUp((_, entries) =>
      entries.some((e) => key(e.data) === poison)
        ? { kind: "error", status: 400, type: "ValidationException" }
        : { kind: "ok" },
    );
    const events = tweetEvents(20);

    // Act
    await pushAll(writer, events);
    await writer.close(10_000);

    // Assess
    expectStoredOnce(endpoint?.stored ?? [], [...events.slice(0, 7), ...events.slice(8)]);
    expect(await metricValue(metrics.recordsDropped, { reason: "rejected" })).toBe(1);
    expect(await metricValue(metrics.recordsPut)).toBe(19);
  });

  it("rejects a record over 1 MiB with a metric and sends the others", async () => {
    // Prepare
    const { writer, metrics } = await setUp(() => ({ kind: "ok" }));
    const huge = tweetEvent(1, { text: "x".repeat(1024 * 1024) });
    const events = [tweetEvent(0), tweetEvent(2)];

    // Act
    const accepted = writer.push(huge, Date.now());
    await pushAll(writer, events);
    await writer.close(10_000);

    // Assess
    expect(accepted).toBe(true);
    expectStoredOnce(endpoint?.stored ?? [], events);
    expect(await metricValue(metrics.recordsDropped, { reason: "oversize" })).toBe(1);
    expect(writer.held).toEqual({ records: 0, bytes: 0 });
  });

  it("reports a full buffer and resolves waitForRoom once Kinesis acknowledges", async () => {
    // Prepare: calls are held until released.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { writer, metrics } = await setUp(() => ({ kind: "hold", until: gate }), {
      bufferMaxBytes: 64 * 1024,
      lingerMs: 0,
    });

    // Act
    let pushed = 0;
    while (writer.push(tweetEvent(pushed), Date.now())) pushed++;
    pushed++;
    let roomFound = false;
    const room = writer.waitForRoom().then(() => {
      roomFound = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    const waitedWhileHeld = !roomFound;
    const heldWhenFull = writer.held;
    release();
    await room;
    await writer.close(10_000);

    // Assess
    expect(waitedWhileHeld).toBe(true);
    expect(heldWhenFull.bytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(heldWhenFull.records).toBe(pushed);
    expect(await metricValue(metrics.bufferMaxBytes)).toBe(64 * 1024);
    expect(endpoint?.stored).toHaveLength(pushed);
  });

  it("never has more than MAX_IN_FLIGHT calls open", async () => {
    // Prepare
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { writer } = await setUp(() => ({ kind: "hold", until: gate }), { maxInFlight: 3, maxRecords: 10 });

    // Act
    await pushAll(writer, tweetEvents(200));
    await new Promise((r) => setTimeout(r, 100));
    const openWhileHeld = endpoint?.calls.length;
    release();
    await writer.close(10_000);

    // Assess
    expect(openWhileHeld).toBe(3);
    expect(endpoint?.maxConcurrent()).toBe(3);
    expect(endpoint?.stored).toHaveLength(200);
  });

  it("batches by records, bytes and linger time", async () => {
    // Prepare
    const { writer } = await setUp(() => ({ kind: "ok" }), {
      maxRecords: 100,
      maxBytes: 1024 * 1024,
      lingerMs: 300,
      maxInFlight: 1,
    });
    const big = Array.from({ length: 12 }, (_, i) => tweetEvent(1000 + i, { text: "b".repeat(210 * 1024) }));

    // Act: 250 small records at once, then 3 spread over 60 ms (inside one linger period), then 12 large ones.
    await pushAll(writer, tweetEvents(250));
    await new Promise((r) => setTimeout(r, 400));
    for (const i of [0, 1, 2]) {
      writer.push(tweetEvent(500 + i), Date.now());
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 400));
    await pushAll(writer, big);
    await writer.close(10_000);

    // Assess
    const sizes = endpoint?.calls.map((c) => c.entries.length);
    expect(sizes?.slice(0, 4)).toEqual([100, 100, 50, 3]);
    // 210 KiB records: four fit in 1 MiB, a fifth does not.
    expect(sizes?.slice(4)).toEqual([4, 4, 4]);
  });

  it("gives up on what is unsent when the grace time is over, and counts it", async () => {
    // Prepare
    const { writer, metrics } = await setUp(() => ({ kind: "hang", store: false }), {
      requestTimeoutMs: 60_000,
    });
    await pushAll(writer, tweetEvents(50));

    // Act
    const started = Date.now();
    const summary = await writer.close(200);
    const took = Date.now() - started;
    const lateAccepted = writer.push(tweetEvent(99), Date.now());

    // Assess
    expect(summary.unsentRecords).toBe(50);
    expect(took).toBeLessThan(2_000);
    expect(lateAccepted).toBe(false);
    expect(await metricValue(metrics.recordsDropped, { reason: "shutdown" })).toBe(51);
    expect(writer.held).toEqual({ records: 0, bytes: 0 });
  });
});
