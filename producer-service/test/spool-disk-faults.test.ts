import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeEvent } from "../../events/index.js";
import { Spool } from "../spool/index.js";
import { framesIn } from "../spool/test/fixtures/frames.js";
import { eventually } from "./support/app-harness.js";
import { type Fault, type FaultKinesis, startFaultKinesis } from "./support/fault-kinesis.js";
import { deliveredIds, drainSpool, startSpooledWriter } from "./support/spooled-writer.js";
import { tweetEvent, tweetEvents } from "./support/tweets.js";
import { metricValue } from "./support/writer-harness.js";

// Faults a real file system gives without root: a damaged byte, a file that cannot be replaced, and a segment
// that refuses writes and truncation (/dev/full). The full-disk cases on a real tmpfs are in spool-disk-full.

const MiB = 1024 * 1024;
const FIRST_SEGMENT = "0000000001.spool";
let fault: Fault = { kind: "ok" };
let kinesis: FaultKinesis;
let dir: string;

beforeAll(async () => {
  kinesis = await startFaultKinesis(() => fault);
});
afterAll(async () => {
  await kinesis.close();
});
afterEach(async () => {
  kinesis.stored.length = 0;
  await rm(join(dir, ".."), { recursive: true, force: true });
});

async function spoolWith(count: number, maxBytes: number): Promise<void> {
  dir = join(await mkdtemp(join(tmpdir(), "spool-faults-")), "spool");
  const spool = await Spool.open({ dir, maxBytes });
  const records = tweetEvents(count).map((event) => ({
    partitionKey: event.id,
    data: encodeEvent(event),
    receivedAt: Date.now(),
  }));
  await spool.append(records);
  await spool.close();
}

describe("the writer's spool at the failure edges", () => {
  it("quarantines a damaged head, counts and names what it lost, and delivers the rest", async () => {
    // Prepare: 1,200 records in 128 KiB segments; one byte flipped in the first record once the spool is open.
    await spoolWith(1_200, MiB);
    const opened = await Spool.open({ dir, maxBytes: MiB });
    const segment = await readFile(join(dir, FIRST_SEGMENT));
    const inFirst = framesIn(segment);
    segment[20] = (segment[20] ?? 0) ^ 0xff;
    await writeFile(join(dir, FIRST_SEGMENT), segment);

    // Act
    const { metrics, lines, readiness } = await drainSpool(kinesis.endpoint, opened);

    // Assess
    const lost = await metricValue(metrics.spoolRecordsLost);
    expect(lost).toBe(inFirst);
    expect(deliveredIds(kinesis.stored).ids.size).toBe(1_200 - inFirst);
    expect(readiness?.detail).toMatch(
      new RegExp(`${inFirst} records lost, bytes kept in .*${FIRST_SEGMENT}\\.at-0\\.corrupt`),
    );
    expect(lines.some((l) => String(l.msg).startsWith("SPOOL DAMAGED") && l.lostRecords === inFirst)).toBe(
      true,
    );
    expect(await readdir(dir)).toContain(`${FIRST_SEGMENT}.at-0.corrupt`);
  }, 60_000);

  it("says a lasting read failure once per episode, as a gauge and in /readyz, and goes on once it ends", async () => {
    // Prepare: a damaged head whose quarantine copy cannot be written (a directory stands at its name).
    await spoolWith(1_200, MiB);
    const opened = await Spool.open({ dir, maxBytes: MiB });
    const segment = await readFile(join(dir, FIRST_SEGMENT));
    segment[20] = (segment[20] ?? 0) ^ 0xff;
    await writeFile(join(dir, FIRST_SEGMENT), segment);
    const blocker = join(dir, `${FIRST_SEGMENT}.at-0.corrupt`);
    await mkdir(blocker);

    // Act
    const { writer, metrics, spool, lines, client } = await startSpooledWriter(kinesis.endpoint, opened);
    await eventually(
      () => lines.some((l) => l.msg === "spool read still failing; retrying in a second"),
      20_000,
      "retried",
    );
    const whileFailing = writer.spoolReadiness();
    const gaugeWhileFailing = await metricValue(metrics.spoolReadFailing);
    await rmdir(blocker);
    await eventually(() => spool.recordCount === 0 && writer.held.records === 0, 30_000, "spool drained");
    const gaugeAfter = await metricValue(metrics.spoolReadFailing);
    await writer.close(5_000);
    await spool.close();
    client.destroy();

    // Assess
    expect(gaugeWhileFailing).toBe(1);
    expect(whileFailing).toMatchObject({ ok: false });
    expect(whileFailing?.detail).toMatch(/spool cannot be read \(damaged bytes in .* cannot be moved aside/);
    const unreadable = lines.filter((l) => String(l.msg).startsWith("SPOOL UNREADABLE"));
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]?.level).toBe(50);
    expect(lines.some((l) => l.msg === "spool readable again: draining goes on")).toBe(true);
    expect(gaugeAfter).toBe(0);
  }, 60_000);

  it("keeps the read position in memory when it cannot be saved: each record sent once, the risk counted", async () => {
    // Prepare: the cursor's temporary file cannot be written (a directory stands in its way).
    await spoolWith(3_000, 64 * MiB);
    await mkdir(join(dir, "cursor.json.tmp"));
    fault = { kind: "ok" };

    // The retries of the position are counted (spied, still calling the spool) with the time of each.
    const opened = await Spool.open({ dir, maxBytes: 64 * MiB });
    const saveTimes: number[] = [];
    const save = opened.savePosition.bind(opened);
    vi.spyOn(opened, "savePosition").mockImplementation(() => {
      saveTimes.push(performance.now());
      return save();
    });

    // Act
    const { writer, metrics, spool, client } = await startSpooledWriter(kinesis.endpoint, opened);
    await eventually(() => spool.recordCount === 0 && writer.held.records === 0, 30_000, "spool drained");
    // The link counts an unsaved acknowledgement when the spool's ack resolves, a tick after the count drops.
    await eventually(async () => (await metricValue(metrics.possibleDuplicates)) >= 3_000, 5_000, "counted");
    const whileUnsaved = writer.spoolReadiness();
    const possibleDuplicates = await metricValue(metrics.possibleDuplicates);
    await eventually(() => saveTimes.length >= 4, 20_000, "position retried 4 times");
    const retryGaps = saveTimes.slice(1, 4).map((time, index) => time - (saveTimes[index] ?? 0));
    await rmdir(join(dir, "cursor.json.tmp"));
    await eventually(() => spool.unsavedAcknowledged === 0, 10_000, "position saved on retry");
    await writer.close(5_000);
    await spool.close();
    client.destroy();

    // Assess
    const delivered = deliveredIds(kinesis.stored);
    expect(delivered.ids.size).toBe(3_000);
    expect(delivered.duplicates).toBe(0);
    expect(possibleDuplicates).toBe(3_000);
    // One retry loop for all unsaved acknowledgements (one per batch): a save a second, not one per batch.
    expect(Math.min(...retryGaps)).toBeGreaterThanOrEqual(900);
    expect(whileUnsaved).toMatchObject({ ok: true });
    expect(whileUnsaved?.detail).toMatch(
      /read position cannot be saved: a crash now would resend 3000 records/,
    );
    expect(JSON.parse(await readFile(join(dir, "cursor.json"), "utf8"))).toMatchObject({ version: 1 });
  }, 60_000);

  it("hands records waiting for a broken spool to memory only as room allows: memory stays within its bound", async () => {
    // Prepare: twelve 90 KB records spooled; read back, the first batch fills memory (1 MiB) while Kinesis
    // refuses. Then the tail segment is swapped for /dev/full, so the next append breaks the spool.
    dir = join(await mkdtemp(join(tmpdir(), "spool-faults-")), "spool");
    const filling = await Spool.open({ dir, maxBytes: 4 * MiB });
    const big = Array.from({ length: 12 }, (_, i) => tweetEvent(50_000 + i, { text: "x".repeat(90_000) }));
    await filling.append(
      big.map((e) => ({ partitionKey: e.id, data: encodeEvent(e), receivedAt: Date.now() })),
    );
    await filling.close();
    fault = { kind: "error", status: 500, type: "InternalFailure" };
    const { writer, spool, client } = await startSpooledWriter(kinesis.endpoint, dir, 4 * MiB);
    await eventually(() => writer.held.bytes > MiB - 100_000, 10_000, "memory filled from the spool");
    const tail =
      (await readdir(dir))
        .filter((name) => name.endsWith(".spool"))
        .sort()
        .at(-1) ?? FIRST_SEGMENT;
    await rename(join(dir, tail), join(dir, "tail.saved"));
    await symlink("/dev/full", join(dir, tail));

    // Act: a reader that respects backpressure: memory fills (1 MiB), then records wait for the spool (1 MiB)
    // until push says no; the spool's first append then breaks it.
    const events = tweetEvents(4_000);
    let next = 0;
    while (next < events.length && writer.push(events[next] as (typeof events)[number], Date.now())) next++;
    next++;
    await eventually(
      () => /spool broken/.test(writer.spoolReadiness()?.detail ?? ""),
      10_000,
      "spool broken",
    );
    await new Promise((resolve) => setImmediate(resolve)); // the hand-over follows the break in the same turn
    const heldAfterBreak = writer.held.bytes;
    fault = { kind: "ok" };
    for (; next < events.length; next++) {
      if (!writer.push(events[next] as (typeof events)[number], Date.now())) await writer.waitForRoom();
    }
    await eventually(() => writer.held.records === 0, 30_000, "everything sent");
    await writer.close(5_000);
    await spool.close();
    client.destroy();

    // Assess
    expect(heldAfterBreak).toBeLessThanOrEqual(MiB);
    const delivered = deliveredIds(kinesis.stored);
    expect(events.every((e) => delivered.ids.has(e.id))).toBe(true);
  }, 60_000);

  it("behaves like no spool once the spool is broken: backpressure on X, nothing dropped", async () => {
    // Prepare: one record spooled and loaded; then its segment, the tail, is swapped for /dev/full, so the next
    // append fails with ENOSPC and cannot be taken back (truncating /dev/full fails): the spool breaks.
    await spoolWith(1, MiB);
    fault = { kind: "error", status: 500, type: "InternalFailure" };
    const { writer, metrics, spool, client } = await startSpooledWriter(kinesis.endpoint, dir, MiB);
    await eventually(() => writer.held.records === 1, 10_000, "spooled record loaded");
    await rename(join(dir, FIRST_SEGMENT), join(dir, "tail.saved"));
    await symlink("/dev/full", join(dir, FIRST_SEGMENT));

    // Act: 6,000 pushes into a 1 MiB buffer, without waiting for room, as a fast X would offer them.
    let refusals = 0;
    for (const event of tweetEvents(6_000, 1)) if (!writer.push(event, Date.now())) refusals++;
    await eventually(() => spool.isBroken(), 10_000, "spool broken");
    const readiness = writer.spoolReadiness();
    fault = { kind: "ok" };
    await eventually(() => writer.held.records === 0, 30_000, "everything sent");
    await writer.close(5_000);
    await spool.close();
    client.destroy();

    // Assess
    expect(refusals).toBeGreaterThan(0);
    expect(await metricValue(metrics.recordsDropped, { reason: "spool_error" })).toBe(0);
    expect(await metricValue(metrics.recordsDropped, { reason: "spool_full" })).toBe(0);
    expect(deliveredIds(kinesis.stored).ids.size).toBe(6_001);
    expect(readiness).toMatchObject({ ok: false });
    expect(readiness?.detail).toMatch(/spool broken by a failed disk write.*restart/);
    // The spooled record, sent but not acknowledged to the broken spool, comes again after a restart: counted.
    expect(await metricValue(metrics.possibleDuplicates)).toBe(1);
    expect(await metricValue(metrics.spoolState, { state: "broken" })).toBe(1);
  }, 60_000);
});
