import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { TweetEvent } from "../../../events/index.js";
import { startKinesalite } from "../../../local/emulators/kinesalite.js";
import { Spool } from "../../spool/index.js";
import { startFaultKinesis } from "../../test/support/fault-kinesis.js";
import { createStream, readStream } from "../../test/support/kinesis-stream.js";
import { tweetEvent, tweetEvents } from "../../test/support/tweets.js";
import {
  kinesisClient,
  metricValue,
  startWriter,
  type WriterUnderTest,
} from "../../test/support/writer-harness.js";
import type { PushOutcome } from "../../x-stream/event-sink.js";

const KiB = 1024;
let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let streamCount = 0;
let cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite();
});
afterAll(async () => {
  await kinesalite.close();
});
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A name for a stream; created only when `create` (a missing stream makes every call fail, and retried). */
async function streamName(create: boolean): Promise<string> {
  const name = `settled-${++streamCount}`;
  if (create) await createStreamNamed(name);
  return name;
}

async function createStreamNamed(name: string): Promise<void> {
  const admin = kinesisClient(kinesalite.endpoint);
  await createStream(admin, name, 1);
  admin.destroy();
}

async function spoolIn(maxBytes: number): Promise<Spool> {
  const parent = await mkdtemp(join(tmpdir(), "tweetstream-settled-"));
  const spool = await Spool.open({ dir: join(parent, "spool"), maxBytes });
  cleanup.push(async () => {
    await spool.close();
    await rm(parent, { recursive: true, force: true });
  });
  return spool;
}

function track(underTest: WriterUnderTest): WriterUnderTest {
  cleanup.push(async () => {
    await underTest.writer.close(0);
    underTest.client.destroy();
  });
  return underTest;
}

/** Pushes with a callback per event and keeps what each was told, and whether any came from inside push(). */
function outcomes() {
  const told = new Map<string, PushOutcome[]>();
  let insidePush = false;
  let calledInsidePush = 0;
  return {
    told,
    calledInsidePush: () => calledInsidePush,
    push(underTest: WriterUnderTest, event: TweetEvent): boolean {
      told.set(event.id, []);
      insidePush = true;
      try {
        return underTest.writer.push(event, Date.now(), (outcome) => {
          if (insidePush) calledInsidePush++;
          told.get(event.id)?.push(outcome);
        });
      } finally {
        insidePush = false;
      }
    },
    count(outcome: PushOutcome): number {
      let n = 0;
      for (const list of told.values()) n += list.filter((o) => o === outcome).length;
      return n;
    },
    /** Events told more than once, or not yet. */
    notOnce(): string[] {
      return [...told].filter(([, list]) => list.length !== 1).map(([id]) => id);
    },
  };
}

describe("EventSink.push's settled callback", () => {
  it.each([false, true])(
    "tells durable once per event, after Kinesis acknowledged it (aggregation %s)",
    async (aggregation) => {
      // Prepare
      const stream = await streamName(true);
      const underTest = track(
        startWriter(kinesalite.endpoint, { target: { StreamName: stream }, aggregation, maxRecords: 200 }),
      );
      const pushed = outcomes();
      const events = tweetEvents(1_200);

      // Act
      for (const event of events) {
        if (!pushed.push(underTest, event)) await underTest.writer.waitForRoom();
      }
      await vi.waitFor(() => expect(pushed.count("durable"), "every event told").toBe(events.length), {
        timeout: 10_000,
        interval: 20,
      });
      const stored = await readStream(underTest.client, stream);

      // Assess
      expect(pushed.notOnce()).toEqual([]);
      expect(pushed.count("lost")).toBe(0);
      expect(pushed.calledInsidePush()).toBe(0);
      expect(stored.flatMap((r) => r.userRecords)).toHaveLength(events.length);
    },
  );

  it("tells nothing while the calls carrying the events wait for their answer", async () => {
    // Prepare: the endpoint holds every call until released (an answer kinesalite cannot delay).
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const endpoint = await startFaultKinesis(() => ({ kind: "hold", until: held }));
    cleanup.push(() => endpoint.close());
    const underTest = track(startWriter(endpoint.endpoint, { lingerMs: 0 }));
    const pushed = outcomes();

    // Act
    for (const event of tweetEvents(100)) pushed.push(underTest, event);
    await vi.waitFor(() => expect(endpoint.calls.length, "a call sent").toBeGreaterThan(0), {
      timeout: 5_000,
      interval: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const toldWhileHeld = pushed.count("durable") + pushed.count("lost");
    release();
    await vi.waitFor(() => expect(pushed.count("durable"), "every event told").toBe(100), {
      timeout: 5_000,
      interval: 20,
    });

    // Assess
    expect(toldWhileHeld).toBe(0);
    expect(pushed.notOnce()).toEqual([]);
  });

  it("tells durable when an event is appended to the spool, and not again when the spool's copy reaches Kinesis", async () => {
    // Prepare: the stream does not exist yet, so every call fails; a 64 KiB buffer holds about 200 events.
    const stream = await streamName(false);
    const spool = await spoolIn(64 * 1024 * KiB);
    const underTest = track(
      startWriter(kinesalite.endpoint, {
        target: { StreamName: stream },
        spool,
        bufferMaxBytes: 64 * KiB,
        maxBytes: 64 * KiB,
      }),
    );
    const pushed = outcomes();
    const events = tweetEvents(2_000);

    // Act: push everything (the buffer spills to the spool), then let Kinesis take it.
    for (const event of events) pushed.push(underTest, event);
    await vi.waitFor(
      () => expect(spool.stats().records + underTest.writer.held.records, "spilled").toBe(events.length),
      { timeout: 10_000, interval: 20 },
    );
    const whileFailing = {
      durable: pushed.count("durable"),
      spooled: await metricValue(underTest.metrics.recordsSpooled),
      inMemory: underTest.writer.held.records,
    };
    await createStreamNamed(stream);
    await vi.waitFor(
      () => expect(spool.stats().records === 0 && underTest.writer.held.records === 0, "sent").toBe(true),
      { timeout: 20_000, interval: 20 },
    );
    const stored = await readStream(underTest.client, stream);

    // Assess
    expect(whileFailing.spooled).toBeGreaterThan(1_000);
    expect(whileFailing.durable).toBe(whileFailing.spooled);
    expect(whileFailing.inMemory).toBe(events.length - whileFailing.spooled);
    expect(pushed.count("durable")).toBe(events.length);
    expect(pushed.notOnce()).toEqual([]);
    expect(pushed.calledInsidePush()).toBe(0);
    expect(new Set(stored.flatMap((r) => r.userRecords.map((u) => u.toString("latin1")))).size).toBe(
      events.length,
    );
  });
});

describe("EventSink.push's settled callback on the loss paths", () => {
  it("tells lost, later, for an event too large to send and for one pushed after close", async () => {
    // Prepare
    const stream = await streamName(true);
    const underTest = track(startWriter(kinesalite.endpoint, { target: { StreamName: stream } }));
    const pushed = outcomes();
    const huge = tweetEvent(1, { text: "x".repeat(1024 * KiB) });

    // Act
    pushed.push(underTest, huge);
    pushed.push(underTest, tweetEvent(2));
    await underTest.writer.close(5_000);
    pushed.push(underTest, tweetEvent(3));
    await vi.waitFor(() => expect(pushed.notOnce().length, "every event told").toBe(0), {
      timeout: 5_000,
      interval: 20,
    });

    // Assess
    expect(Object.fromEntries([...pushed.told].map(([id, list]) => [id.slice(-1), list]))).toEqual({
      "1": ["lost"],
      "2": ["durable"],
      "3": ["lost"],
    });
    expect(pushed.calledInsidePush()).toBe(0);
  });

  it("tells lost for the event Kinesis refuses as invalid, durable for the others of its call", async () => {
    // Prepare: an author id past Kinesis' 256-character partition key makes kinesalite refuse the request.
    const stream = await streamName(true);
    const underTest = track(
      startWriter(kinesalite.endpoint, { target: { StreamName: stream }, partitionKey: "author" }),
    );
    const pushed = outcomes();
    const events = tweetEvents(20);
    const bad = tweetEvent(20, { author: { id: "9".repeat(300), username: "long", name: "Long" } });

    // Act
    for (const event of [...events.slice(0, 10), bad, ...events.slice(10)]) pushed.push(underTest, event);
    await vi.waitFor(() => expect(pushed.notOnce().length, "every event told").toBe(0), {
      timeout: 10_000,
      interval: 20,
    });

    // Assess
    expect(pushed.told.get(bad.id)).toEqual(["lost"]);
    expect(pushed.count("durable")).toBe(20);
    expect(await metricValue(underTest.metrics.recordsDropped, { reason: "rejected" })).toBe(1);
  });

  it("tells lost for what the grace time could not send, without a spool", async () => {
    // Prepare: the stream does not exist, so every call fails.
    const underTest = track(
      startWriter(kinesalite.endpoint, { target: { StreamName: await streamName(false) } }),
    );
    const pushed = outcomes();

    // Act
    for (const event of tweetEvents(50)) pushed.push(underTest, event);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const summary = await underTest.writer.close(200);
    await vi.waitFor(() => expect(pushed.notOnce().length, "every event told").toBe(0), {
      timeout: 5_000,
      interval: 20,
    });

    // Assess
    expect(summary.unsentRecords).toBe(50);
    expect(pushed.count("lost")).toBe(50);
  });
});
