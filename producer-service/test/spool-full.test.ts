import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../local/x-emulator/index.js";
import { buildApp, type ProducerApp } from "../app.js";
import { checkDelivery } from "./faults/harness.js";
import { eventually, testConfig } from "./support/app-harness.js";
import { type Fault, type FaultKinesis, startFaultKinesis } from "./support/fault-kinesis.js";
import { kinesisClient } from "./support/writer-harness.js";

const MiB = 1024 * 1024;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function start(): Promise<{
  app: ProducerApp;
  x: XEmulator;
  kinesis: FaultKinesis;
  fault: { current: Fault };
  logs: Record<string, unknown>[];
}> {
  const fault: { current: Fault } = { current: { kind: "error", status: 500, type: "InternalFailure" } };
  const kinesis = await startFaultKinesis(() => fault.current);
  const x = await startXEmulator();
  const parent = await mkdtemp(join(tmpdir(), "tweetstream-spool-full-"));
  const dir = join(parent, "spool");
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") logs.push(JSON.parse(line));
      done();
    },
  });
  const client = kinesisClient(kinesis.endpoint, 1_000);
  const config = testConfig({
    X_API_BASE_URL: x.url,
    SPOOL_DIR: dir,
    SPOOL_MAX_BYTES: String(MiB),
    BUFFER_MAX_BYTES: String(MiB),
    BATCH_MAX_BYTES: String(MiB),
    SHUTDOWN_GRACE_MS: "500",
  });
  const app = buildApp(config, { logger: pino({ level: "info" }, sink), kinesisClient: client });
  cleanup.push(async () => {
    await app.close();
    client.destroy();
    await x.close();
    await kinesis.close();
    await rm(parent, { recursive: true, force: true });
  });
  await app.ready();
  return { app, x, kinesis, fault, logs };
}

async function metric(app: ProducerApp, name: string): Promise<number> {
  const text = (await app.inject({ method: "GET", url: "/metrics" })).body;
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.slice(line.lastIndexOf(" ") + 1));
}

const RECEIVED = "tweetstream_producer_tweets_received_total";
/** Tweets one 64 KiB read from the stream can hold (about 700 bytes each): parsed after the pause began. */
const ONE_CHUNK_OF_TWEETS = 100;

/** tweets_received_total once two readings 500 ms apart agree. */
async function receivedOnceSettled(app: ProducerApp): Promise<number> {
  let previous = -1;
  let current = await metric(app, RECEIVED);
  await eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      [previous, current] = [current, await metric(app, RECEIVED)];
      return previous === current;
    },
    30_000,
    "reading X paused",
  );
  return current;
}

describe("a full spool", () => {
  it("is said loudly (log, gauge, /readyz 503), pauses reading X instead of dropping, and keeps what it stored", async () => {
    // Prepare: Kinesis fails; 1 MiB of buffer and 1 MiB of spool hold far fewer than 10,000 tweets (about 700 bytes each).
    const { app, x, kinesis, fault, logs } = await start();
    await x.waitForConnections(1);

    // Act
    x.publish(10_000);
    await eventually(
      async () => (await metric(app, "tweetstream_producer_spool_full")) === 1,
      20_000,
      "spool full",
    );
    const readyz = await app.inject({ method: "GET", url: "/readyz" });
    const state = await metric(app, 'tweetstream_producer_spool_state{state="full"}');
    // Paused: the count of received tweets stops (unpaused it would climb to 10,000, however slow the machine).
    const atPause = await receivedOnceSettled(app);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // an observation window: nothing may arrive
    const afterWindow = await metric(app, RECEIVED);
    fault.current = { kind: "ok" };
    await eventually(
      async () => (await metric(app, "tweetstream_producer_records_put_total")) === 10_000,
      30_000,
      "every tweet delivered",
    );
    await eventually(
      async () => (await metric(app, "tweetstream_producer_spool_records")) === 0,
      20_000,
      "spool drained",
    );
    const readyAfter = await app.inject({ method: "GET", url: "/readyz" });

    // Assess
    expect(readyz.statusCode).toBe(503);
    expect(readyz.json().reasons).toContain("spool full (SPOOL_MAX_BYTES reached): reading from X is paused");
    expect(state).toBe(1);
    expect(atPause).toBeLessThan(10_000);
    expect(afterWindow - atPause).toBeLessThanOrEqual(ONE_CHUNK_OF_TWEETS);
    expect(logs.some((l) => String(l.msg).startsWith("SPOOL FULL"))).toBe(true);
    // Nothing dropped: every tweet is delivered once, intact.
    const delivery = checkDelivery(x.sent, kinesis.stored);
    expect(delivery.corrupted).toEqual([]);
    expect(delivery.duplicates).toBe(0);
    expect(delivery.delivered.size).toBe(10_000);
    expect(await metric(app, 'tweetstream_producer_records_dropped_total{reason="spool_full"}')).toBe(0);
    expect(await metric(app, "tweetstream_producer_spool_full")).toBe(0);
    expect(readyAfter.json().checks.spool).toEqual({ ok: true, detail: "accepting records" });
  }, 90_000);
});
