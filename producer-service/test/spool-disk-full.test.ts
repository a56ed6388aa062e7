import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { encodeEvent } from "../../events/index.js";
import { describeWithTools } from "../../test-support/system-tools.js";
import { openSpool } from "../plugins/kinesis-writer.js";
import { Spool } from "../spool/index.js";
import { framesIn } from "../spool/test/fixtures/frames.js";
import { eventually } from "./support/app-harness.js";
import { type Fault, type FaultKinesis, startFaultKinesis } from "./support/fault-kinesis.js";
import { deliveredIds, drainSpool, startSpooledWriter } from "./support/spooled-writer.js";
import { mountTmpfs, rootTmpfs, type Tmpfs } from "./support/tmpfs.js";
import { tweetEvents } from "./support/tweets.js";
import { capturingLogger, metricValue, pushAll } from "./support/writer-harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MiB = 1024 * 1024;
let fault: Fault = { kind: "ok" };
let kinesis: FaultKinesis;
const mounts: Tmpfs[] = [];

describeWithTools([rootTmpfs], "the spool on a full disk (a real small tmpfs)", () => {
  beforeAll(async () => {
    kinesis = await startFaultKinesis(() => fault);
  });
  afterAll(async () => {
    await kinesis.close();
    for (const mount of mounts) await mount.unmount();
  });
  const tmpfs = async (bytes: number) => {
    const mount = await mountTmpfs(bytes);
    mounts.push(mount);
    return mount;
  };

  it("caps SPOOL_MAX_BYTES at open to what the volume holds, and says so", async () => {
    // Prepare: the default 1 GiB bound on a 3 MiB volume.
    const disk = await tmpfs(3 * MiB);

    // Act
    const { logger, lines } = capturingLogger();
    const spool = await openSpool({ dir: `${disk.dir}/spool`, maxBytes: 1024 * MiB }, logger);
    await spool.close();

    // Assess
    const warning = lines.find((l) =>
      String(l.msg).startsWith("spool: SPOOL_MAX_BYTES is more than the volume"),
    );
    expect(warning).toMatchObject({ requestedMaxBytes: 1024 * MiB, maxBytes: spool.capacity.maxBytes });
    expect(spool.capacity.capped).toBe(true);
    expect(spool.capacity.requestedMaxBytes).toBe(1024 * MiB);
    expect(spool.capacity.maxBytes).toBeLessThan(3 * MiB);
    expect(spool.capacity.maxBytes).toBeGreaterThan(2 * MiB);
  });

  it("keeps records the disk refused (ENOSPC) in memory and pauses ingest: 12,000 tweets, none lost", async () => {
    // Prepare: a 3 MiB volume that something else fills after the spool opened, so appends meet ENOSPC
    // before the spool's own bound; Kinesis refuses until the disk is full (X faster than Kinesis).
    const disk = await tmpfs(3 * MiB);
    fault = { kind: "error", status: 500, type: "InternalFailure" };
    const { writer, metrics, spool, lines, client } = await startSpooledWriter(
      kinesis.endpoint,
      `${disk.dir}/spool`,
    );
    await disk.ballast("other-tenant", 2 * MiB);
    const events = tweetEvents(12_000);

    // Act
    const pushing = pushAll(writer, events);
    await eventually(() => writer.spoolReadiness()?.ok === false, 30_000, "spool full on ENOSPC");
    const whileFull = writer.spoolReadiness();
    fault = { kind: "ok" };
    await pushing;
    await eventually(() => kinesis.stored.length >= 12_000, 60_000, "all sent");
    await writer.close(30_000);
    await spool.close();
    client.destroy();

    // Assess
    expect(whileFull?.detail).toMatch(
      /spool full \(the disk refused a write: .*ENOSPC.*\): reading from X is paused/,
    );
    expect(lines.some((l) => String(l.msg).startsWith("SPOOL FULL"))).toBe(true);
    const delivered = deliveredIds(kinesis.stored);
    expect(delivered.ids.size).toBe(12_000);
    expect(await metricValue(metrics.recordsDropped, { reason: "spool_error" })).toBe(0);
    expect(await metricValue(metrics.recordsDropped, { reason: "spool_full" })).toBe(0);
    expect(delivered.duplicates).toBeLessThanOrEqual(await metricValue(metrics.possibleDuplicates));
  }, 90_000);

  it("never resends acknowledged records when the read position cannot be saved (ENOSPC), and counts the risk", async () => {
    // Prepare: 5,000 records spooled on a 2 MiB volume, then the volume filled to the last byte.
    const disk = await tmpfs(2 * MiB);
    const dir = `${disk.dir}/spool`;
    fault = { kind: "error", status: 500, type: "InternalFailure" };
    kinesis.stored.length = 0;
    const first = await startSpooledWriter(kinesis.endpoint, dir);
    await pushAll(first.writer, tweetEvents(5_000));
    await first.writer.close(0); // what memory holds goes to the spool too
    await first.spool.close();
    first.client.destroy();
    const { writer, metrics, spool, client } = await startSpooledWriter(kinesis.endpoint, dir);
    expect(spool.recordCount).toBe(5_000);
    await disk.ballast("filler");

    // Act: Kinesis takes everything at once.
    fault = { kind: "ok" };
    await eventually(() => spool.recordCount === 0, 30_000, "spool drained");
    const possibleDuplicates = await metricValue(metrics.possibleDuplicates);
    await writer.close(10_000);
    await spool.close();
    client.destroy();

    // Assess: each record stored once, no endless resend; the unsaved position was counted.
    const delivered = deliveredIds(kinesis.stored);
    expect(delivered.ids.size).toBe(5_000);
    expect(kinesis.stored.length).toBe(5_000);
    expect(possibleDuplicates).toBeGreaterThan(0);
  }, 90_000);

  it("cuts out a damaged head it cannot copy aside on a full disk, counts the loss, and drains the rest", async () => {
    // Prepare: 1,200 records spooled on a 3 MiB volume, one byte of the first record flipped once the spool is
    // open, then the volume filled to the last byte, so the quarantine copy meets ENOSPC.
    const disk = await tmpfs(3 * MiB);
    const dir = `${disk.dir}/spool`;
    kinesis.stored.length = 0;
    const filling = await Spool.open({ dir, maxBytes: 2 * MiB });
    await filling.append(
      tweetEvents(1_200).map((e) => ({ partitionKey: e.id, data: encodeEvent(e), receivedAt: Date.now() })),
    );
    await filling.close();
    const opened = await Spool.open({ dir, maxBytes: 2 * MiB });
    const segmentPath = join(dir, "0000000001.spool");
    const segment = await readFile(segmentPath);
    const inFirst = framesIn(segment);
    segment[20] = (segment[20] ?? 0) ^ 0xff;
    await writeFile(segmentPath, segment);
    await disk.ballast("filler");
    fault = { kind: "ok" };

    // Act
    const { metrics, lines, readiness } = await drainSpool(kinesis.endpoint, opened);

    // Assess
    expect(await metricValue(metrics.spoolRecordsLost)).toBe(inFirst);
    expect(deliveredIds(kinesis.stored).ids.size).toBe(1_200 - inFirst);
    expect(await readdir(dir)).not.toContain("0000000001.spool.at-0.corrupt");
    expect(readiness?.detail).toMatch(
      new RegExp(`${inFirst} records lost, .*1 cut out without a copy \\(disk full\\)`),
    );
    expect(
      lines.some((l) => String(l.msg).includes("cut out WITHOUT a copy") && l.lostRecords === inFirst),
    ).toBe(true);
  }, 90_000);

  it("at shutdown on a full disk, accounts for every record: delivered, in the spool, or counted as dropped", async () => {
    // Prepare: Kinesis refuses; the disk fills while records wait for the spool.
    const disk = await tmpfs(3 * MiB);
    fault = { kind: "error", status: 500, type: "InternalFailure" };
    kinesis.stored.length = 0;
    const dir = `${disk.dir}/spool`;
    const { writer, metrics, spool, client } = await startSpooledWriter(kinesis.endpoint, dir);
    await disk.ballast("other-tenant", 2 * MiB);
    const events = tweetEvents(8_000);
    let pushed = 0;
    for (const event of events) {
      if (writer.spoolReadiness()?.ok === false) break; // reading X paused: the disk is full
      if (!writer.push(event, Date.now())) await Promise.race([writer.waitForRoom(), sleep(100)]);
      pushed++;
    }

    // Act
    await writer.close(0);
    await spool.close();
    client.destroy();

    // Assess
    const dropped = await metricValue(metrics.recordsDropped, { reason: "spool_full" });
    const reopened = await Spool.open({ dir, maxBytes: 1024 * MiB }).catch(() => undefined);
    const inSpool = reopened?.recordCount ?? 0;
    await reopened?.close();
    expect(pushed).toBeGreaterThan(0);
    expect(deliveredIds(kinesis.stored).ids.size + inSpool + dropped).toBe(pushed);
  }, 90_000);
});
