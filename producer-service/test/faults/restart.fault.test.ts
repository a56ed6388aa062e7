import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../support/app-harness.js";
import {
  checkDelivery,
  type Producer,
  sleep,
  spoolContents,
  startSpooledProducer,
  TWEETS_PER_SECOND,
  useFaultRig,
  waitDelivered,
} from "./harness.js";

const rig = useFaultRig(beforeEach, afterEach);

function start(): Producer {
  return startSpooledProducer(rig, { requestTimeoutMs: 1000, shutdownGraceMs: 1000 });
}

/** Starts a producer at 1,000 tweets/s, lets Kinesis fail long enough to fill memory and spool to disk. */
async function underLoadDuringOutage(): Promise<Producer> {
  const producer = start();
  await rig.x.waitForConnections(1, 20_000);
  rig.x.setRate(TWEETS_PER_SECOND);
  await eventually(() => rig.kinesis.stored.length >= 500, 20_000, "tweets flowing");
  rig.kinesis.set({ kind: "error", status: 500, type: "InternalFailure" });
  await eventually(
    async () => (await producer.metric("tweetstream_producer_spool_records")) > 1_000,
    20_000,
    "records spooled",
  );
  return producer;
}

interface CloseSummary {
  acceptedRecords: number;
  spooledRecords: number;
  possibleDuplicates: number;
}

function closeSummary(producer: Producer): CloseSummary {
  const line = producer.logs.find((l) => l.msg === "Kinesis writer closed");
  if (line === undefined) throw new Error(`no close summary in:\n${producer.output()}`);
  return line as unknown as CloseSummary;
}

describe("restarts under load with a spool", () => {
  it("SIGTERM during an outage, then a restart: every tweet the first process accepted is delivered", async () => {
    // Prepare
    const first = await underLoadDuringOutage();

    // Act: stop it while Kinesis still fails, so the grace time runs out; restart with Kinesis healthy.
    const firstCode = await first.kill("SIGTERM");
    const firstSummary = closeSummary(first);
    rig.kinesis.set({ kind: "ok" });
    const second = start();
    await rig.x.waitForConnections(2, 20_000);
    await sleep(2_000);
    rig.x.setRate(0);
    const expected = [
      ...rig.x.sent.filter((t) => t.connection === 1).slice(0, firstSummary.acceptedRecords),
      ...rig.x.sent.filter((t) => t.connection === 2),
    ];
    await waitDelivered(rig.kinesis, expected, 60_000);
    await second.kill("SIGTERM");
    const secondSummary = closeSummary(second);

    // Assess
    expect(firstCode, first.output()).toBe(0);
    const spooledAtShutdown = first.logs.find((l) => String(l.msg).includes("written to the spool")) as
      | { spooledRecords: number }
      | undefined;
    expect(spooledAtShutdown?.spooledRecords).toBeGreaterThan(0);
    const delivery = checkDelivery(rig.x.sent, rig.kinesis.stored);
    expect(delivery.corrupted).toEqual([]);
    expect(expected.every((t) => delivery.delivered.has(t.id))).toBe(true);
    expect(delivery.duplicates).toBeLessThanOrEqual(
      firstSummary.possibleDuplicates + secondSummary.possibleDuplicates,
    );
    console.info(
      JSON.stringify({
        fault: "SIGTERM during outage, restart",
        sent: expected.length,
        delivered: expected.filter((t) => delivery.delivered.has(t.id)).length,
        duplicates: delivery.duplicates,
        spooledAtShutdown: spooledAtShutdown?.spooledRecords,
      }),
    );
  }, 120_000);

  it("SIGKILL during an outage, then a restart: every complete spool record is delivered, byte for byte", async () => {
    // Prepare
    const first = await underLoadDuringOutage();
    await sleep(500);

    // Act: kill it mid-append; what it left on disk must all reach the stream after a restart.
    await first.kill("SIGKILL");
    rig.x.setRate(0);
    const left = await spoolContents(rig.spoolDir.dir);
    const storedBeforeRestart = rig.kinesis.stored.length;
    rig.kinesis.set({ kind: "ok" });
    const second = start();
    await rig.x.waitForConnections(2, 20_000);
    const isDelivered = () => {
      const after = new Set(
        rig.kinesis.stored.slice(storedBeforeRestart).map((e) => e.data.toString("base64")),
      );
      return left.every((record) => after.has(record.data.toString("base64")));
    };
    await eventually(isDelivered, 60_000, "the spool's records at the endpoint");
    await waitDelivered(
      rig.kinesis,
      rig.x.sent.filter((t) => t.connection === 2),
      30_000,
    );
    await second.kill("SIGTERM");

    // Assess
    expect(left.length).toBeGreaterThan(1_000);
    const opened = second.logs.find((l) => l.msg === "spool opened") as { records: number } | undefined;
    expect(opened?.records).toBe(left.length);
    const delivery = checkDelivery(rig.x.sent, rig.kinesis.stored);
    expect(delivery.corrupted).toEqual([]);
    console.info(
      JSON.stringify({
        fault: "SIGKILL during outage, restart",
        sent: rig.x.sent.length,
        inSpoolAfterKill: left.length,
        delivered: delivery.delivered.size,
        duplicates: delivery.duplicates,
      }),
    );
  }, 120_000);
});
