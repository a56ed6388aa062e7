import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeEvent } from "../../events/index.js";
import { Spool } from "../spool/index.js";
import { eventually } from "./support/app-harness.js";
import { type Fault, type FaultKinesis, startFaultKinesis } from "./support/fault-kinesis.js";
import { tweetEvents } from "./support/tweets.js";
import { metricValue, startWriter } from "./support/writer-harness.js";

const MiB = 1024 * 1024;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setUp() {
  const fault: { current: Fault } = { current: { kind: "error", status: 500, type: "InternalFailure" } };
  const endpoint: FaultKinesis = await startFaultKinesis(() => fault.current);
  const parent = await mkdtemp(join(tmpdir(), "tweetstream-writer-spool-"));
  cleanup.push(async () => {
    await endpoint.close();
    await rm(parent, { recursive: true, force: true });
  });
  return { fault, endpoint, dir: join(parent, "spool") };
}

/** One call at a time and a small buffer: the order the endpoint stores is the order the writer sends. */
async function writerWithSpool(endpoint: string, dir: string) {
  const spool = await Spool.open({ dir, maxBytes: 64 * MiB });
  const underTest = startWriter(endpoint, { spool, maxInFlight: 1, bufferMaxBytes: MiB, maxBytes: MiB });
  return { ...underTest, spool };
}

const storedIds = (endpoint: FaultKinesis) =>
  endpoint.stored.map((entry) => {
    const event = decodeEvent(entry.data);
    if (!event.ok) throw event.error;
    return event.value.id;
  });

describe("Kinesis writer with a spool", () => {
  it("spills to the spool instead of refusing tweets while Kinesis fails, then delivers the spool in order", async () => {
    // Prepare: 6,000 tweets are about twice the 1 MiB buffer.
    const { fault, endpoint, dir } = await setUp();
    const { writer, metrics, client, spool } = await writerWithSpool(endpoint.endpoint, dir);
    const events = tweetEvents(6_000);

    // Act
    const refused = events.filter((event) => !writer.push(event, Date.now())).length;
    await eventually(() => spool.stats().records + writer.held.records === events.length, 5_000, "spilled");
    const spooled = await metricValue(metrics.recordsSpooled);
    const heldInMemory = writer.held;
    fault.current = { kind: "ok" };
    await eventually(() => endpoint.stored.length >= events.length, 20_000, "all delivered");
    const summary = await writer.close(1_000);
    client.destroy();
    await spool.close();

    // Assess
    expect(refused).toBe(0);
    expect(heldInMemory.bytes).toBeGreaterThanOrEqual(MiB);
    expect(spooled).toBe(events.length - heldInMemory.records);
    // Each tweet once; the spooled ones (the newest: memory held the first) in exact arrival order. Records
    // from memory waiting for their retry backoff may be sent after some of them.
    const ids = storedIds(endpoint);
    expect([...ids].sort()).toEqual(events.map((event) => event.id).sort());
    const spooledIds = new Set(events.slice(heldInMemory.records).map((event) => event.id));
    expect(ids.filter((id) => spooledIds.has(id))).toEqual(
      events.slice(heldInMemory.records).map((e) => e.id),
    );
    expect(summary).toMatchObject({ acceptedRecords: 6_000, acknowledgedRecords: 6_000, unsentRecords: 0 });
  });

  it("at close spools what it could not send, and the next writer sends it before newer tweets", async () => {
    // Prepare
    const { fault, endpoint, dir } = await setUp();
    const first = await writerWithSpool(endpoint.endpoint, dir);
    const before = tweetEvents(500);
    for (const event of before) first.writer.push(event, Date.now());

    // Act: the grace time runs out while Kinesis fails; a new writer starts on the same spool.
    const summary = await first.writer.close(200);
    first.client.destroy();
    await first.spool.close();
    fault.current = { kind: "ok" };
    const second = await writerWithSpool(endpoint.endpoint, dir);
    const after = tweetEvents(100, 500);
    for (const event of after) second.writer.push(event, Date.now());
    await eventually(() => endpoint.stored.length >= 600, 10_000, "all delivered");
    await second.writer.close(1_000);
    second.client.destroy();
    const left = second.spool.stats().records;
    await second.spool.close();

    // Assess
    expect(summary).toMatchObject({ acceptedRecords: 500, unsentRecords: 0, spooledRecords: 500 });
    expect(storedIds(endpoint)).toEqual([...before, ...after].map((event) => event.id));
    expect(left).toBe(0);
  });
});
