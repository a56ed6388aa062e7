import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeEvent } from "../../../events/index.js";
import { startKinesalite } from "../../../local/emulators/kinesalite.js";
import { startXEmulator, type XEmulator } from "../../../local/x-emulator/index.js";
import { eventually } from "../support/app-harness.js";
import { createStream, readStream } from "../support/kinesis-stream.js";
import { kinesisClient } from "../support/writer-harness.js";
import { type Producer, sleep, startProducer, tempSpoolDir } from "./harness.js";

/**
 * Issue 17's end-to-end check: X publishes on its own clock (a post every 20 ms, whether or not anybody is
 * connected, as X does), the producer is killed at random moments and started again 3 s later on the same
 * spool, and every published post must reach Kinesis (kinesalite). What the dead producer could not read is
 * X's to give back (search/recent from the durable watermark); duplicates are counted.
 */

const POSTS = 1_500;
const POST_EVERY_MS = 20;
const DOWN_MS = 3_000;
const STREAM = "posts";

let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let x: XEmulator;
let spool: Awaited<ReturnType<typeof tempSpoolDir>>;

beforeEach(async () => {
  kinesalite = await startKinesalite();
  const admin = kinesisClient(kinesalite.endpoint);
  await createStream(admin, STREAM, 1);
  admin.destroy();
  x = await startXEmulator({ tweetsPerSecond: 0, keepAliveMs: 1_000 });
  spool = await tempSpoolDir();
  countedBefore = 0;
});

afterEach(async () => {
  await x.close();
  await kinesalite.close();
  await spool.remove();
});

function start(): Producer {
  return startProducer(x, kinesalite.endpoint, {
    X_STREAM: "filtered",
    X_STREAM_RULES: JSON.stringify([{ value: "cats", tag: "cats" }]),
    KINESIS_STREAM_NAME: STREAM,
    SPOOL_DIR: spool.dir,
    SHUTDOWN_GRACE_MS: "5000",
    BATCH_LINGER_MS: "50",
  });
}

/** Publishes POSTS posts, one every POST_EVERY_MS, on the emulator; resolves with their ids when done. */
function publishOnOwnClock(): { done: Promise<string[]> } {
  const ids: string[] = [];
  const done = new Promise<string[]>((resolve) => {
    const timer = setInterval(() => {
      for (const post of x.publish(1)) ids.push(post.tweet.id);
      if (ids.length < POSTS) return;
      clearInterval(timer);
      resolve(ids);
    }, POST_EVERY_MS);
  });
  return { done };
}

/** Resolves once `producer` is connected to X; fails with its output when it does not connect. */
async function connected(producer: Producer): Promise<void> {
  await eventually(
    () => producer.logs.some((l) => l.msg === "connected to the X stream"),
    20_000,
    "connect",
  ).catch((error: Error) => {
    throw new Error(`${error.message}:\n${producer.output()}`);
  });
}

const POSSIBLE_DUPLICATES = "tweetstream_producer_possible_duplicates_total";
/** possible_duplicates_total of the producers stopped so far (each process counts from 0). */
let countedBefore = 0;

/** Stops a producer with `signal`, keeps X publishing (to search only) while it is down, starts the next. */
async function restart(producer: Producer, signal: NodeJS.Signals): Promise<Producer> {
  // Read just before the kill: a dead process's counter is gone with it.
  countedBefore += await producer.metric(POSSIBLE_DUPLICATES);
  await producer.kill(signal);
  // Nobody is connected: X publishes anyway and no stream will ever carry these posts.
  x.faults.networkOutage();
  await sleep(DOWN_MS);
  x.faults.endNetworkOutage();
  const next = start();
  await connected(next);
  return next;
}

async function storedIds(): Promise<string[]> {
  const client = kinesisClient(kinesalite.endpoint);
  try {
    const records = await readStream(client, STREAM);
    return records.flatMap((r) =>
      r.userRecords.map((bytes) => {
        const decoded = decodeEvent(bytes);
        if (!decoded.ok) throw new Error(decoded.error.message);
        return decoded.value.id;
      }),
    );
  } finally {
    client.destroy();
  }
}

const randomMs = (from: number, to: number) => from + Math.floor(Math.random() * (to - from));

interface Outcome {
  lost: number;
  duplicates: number;
  /** possible_duplicates_total summed over every producer of the test. */
  countedPossibleDuplicates: number;
  /** The last producer's watermark writes per second of its life (the coalescing's cost). */
  watermarkWritesPerSecond: number;
}

/** Waits until every published id is in the stream (or `timeoutMs`), then stops `last` and tallies. */
async function tally(published: string[], last: Producer, timeoutMs: number): Promise<Outcome> {
  const expected = new Set(published);
  let stored: string[] = [];
  await eventually(
    async () => {
      stored = await storedIds();
      const have = new Set(stored);
      return [...expected].every((id) => have.has(id));
    },
    timeoutMs,
    "every published post in Kinesis",
  ).catch(() => undefined);
  const counted = countedBefore + (await last.metric(POSSIBLE_DUPLICATES));
  const writes = await last.metric("tweetstream_producer_watermark_writes_total");
  const lifeSeconds = Date.now() / 1000 - (await last.metric("process_start_time_seconds"));
  await last.kill("SIGTERM");
  const have = new Set(stored);
  return {
    lost: [...expected].filter((id) => !have.has(id)).length,
    duplicates: stored.length - have.size,
    countedPossibleDuplicates: counted,
    watermarkWritesPerSecond: Math.round((writes / lifeSeconds) * 100) / 100,
  };
}

describe("restarts on the same spool while X publishes on its own clock", () => {
  it("two SIGKILLs at random moments: every post reaches Kinesis", async () => {
    // Prepare
    let producer = start();
    await connected(producer);
    const publishing = publishOnOwnClock();

    // Act
    for (let kill = 0; kill < 2; kill++) {
      await sleep(randomMs(2_000, 6_000));
      producer = await restart(producer, "SIGKILL");
    }
    const published = await publishing.done;
    const outcome = await tally(published, producer, 40_000);

    // Assess
    console.info(JSON.stringify({ test: "two SIGKILLs", published: published.length, ...outcome }));
    expect(outcome.lost).toBe(0);
    expect(outcome.countedPossibleDuplicates).toBeGreaterThanOrEqual(outcome.duplicates);
  }, 120_000);

  it("SIGTERM during the restart's gap recovery: every post reaches Kinesis after the next start", async () => {
    // Prepare
    let producer = start();
    await connected(producer);
    const publishing = publishOnOwnClock();
    await sleep(randomMs(2_000, 5_000));
    producer = await restart(producer, "SIGKILL");

    // Act: stop it as soon as it starts searching for the restart's gap.
    const current = producer;
    await eventually(
      () => current.logs.some((l) => String(l.msg).startsWith("recovering a gap")),
      30_000,
      "the restart's gap recovery",
    );
    producer = await restart(producer, "SIGTERM");
    const published = await publishing.done;
    const outcome = await tally(published, producer, 40_000);

    // Assess
    console.info(
      JSON.stringify({ test: "SIGTERM during recovery", published: published.length, ...outcome }),
    );
    expect(outcome.lost).toBe(0);
    expect(outcome.countedPossibleDuplicates).toBeGreaterThanOrEqual(outcome.duplicates);
  }, 120_000);
});
