import { Writable } from "node:stream";
import { pino } from "pino";
import type { TweetEvent } from "../../../events/index.js";
import { startXEmulator, type XEmulator, type XEmulatorOptions } from "../../../local/x-emulator/index.js";
import type { EventSink, PushOutcome } from "../event-sink.js";
import type { IngestEvent, ReconnectCause, RecoverySkipReason } from "../ingest-events.js";
import type { XIngestOptions } from "../ingest-options.js";
import { createXStreamIngest, type XStreamIngest } from "../x-stream-ingest.js";

/** A sink that keeps every event; with a capacity, it reports full until the test calls `release()`. */
export class CollectingSink implements EventSink {
  readonly events: TweetEvent[] = [];
  fullSignals = 0;
  /** Calls of waitForRoom(): a test waits for ingest to get there before asserting what it did not do. */
  roomWaits = 0;
  private held = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly capacity = Number.POSITIVE_INFINITY) {}

  /** What the sink reports for each pushed event (after push() returns, as the writer does). */
  outcome: PushOutcome = "durable";

  push(event: TweetEvent, _receivedAtMs?: number, settled?: (outcome: PushOutcome) => void): boolean {
    this.events.push(event);
    const outcome = this.outcome;
    if (settled !== undefined) queueMicrotask(() => settled(outcome));
    this.held++;
    if (this.held < this.capacity) return true;
    this.fullSignals++;
    return false;
  }

  waitForRoom(): Promise<void> {
    this.roomWaits++;
    if (this.held < this.capacity) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Empties the buffer: whoever waits for room may go on. */
  release(): void {
    this.held = 0;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/**
 * Keeps every event ingest reports (`report` is what ingest is given); the getters are views of them, named
 * for what the tests ask.
 */
export class RecordedEvents {
  readonly all: IngestEvent[] = [];
  readonly report = (event: IngestEvent): void => {
    this.all.push(event);
  };

  count(kind: IngestEvent["kind"]): number {
    return this.all.filter((event) => event.kind === kind).length;
  }
  get connections(): number {
    return this.count("connected");
  }
  get postsReceived(): number {
    return this.count("post-received");
  }
  get disconnects(): { cause: ReconnectCause; detail: string }[] {
    return this.all.flatMap((e) => (e.kind === "disconnected" ? [{ cause: e.cause, detail: e.detail }] : []));
  }
  get drops(): string[] {
    return this.all.flatMap((e) => (e.kind === "message-dropped" ? [e.reason] : []));
  }
  get recovered(): number {
    return this.count("post-recovered");
  }
  get duplicates(): number {
    return this.count("duplicate-skipped");
  }
  get takeovers(): number {
    return this.count("connection-taken-over");
  }
  get recoverySkips(): RecoverySkipReason[] {
    return this.all.flatMap((e) => (e.kind === "recovery-skipped" ? [e.reason] : []));
  }
}

/** Small waits so that fault tests take milliseconds, not X's minutes. */
export const FAST_BACKOFF = {
  networkStepMs: 10,
  networkMaxMs: 50,
  httpInitialMs: 20,
  httpMaxMs: 100,
  rateLimitInitialMs: 30,
  rateLimitMaxMs: 100,
};

export interface Harness {
  ingest: XStreamIngest;
  sink: CollectingSink;
  observer: RecordedEvents;
  /** Every log line the ingest wrote, at debug level. */
  logs: string[];
}

/** What the current test started, stopped by `stopStarted` after it (ingest first, then its emulator). */
const started: (() => Promise<unknown>)[] = [];

/** An emulator closed after the test by `stopStarted`. */
export async function startEmulator(options?: XEmulatorOptions): Promise<XEmulator> {
  const emulator = await startXEmulator(options);
  started.push(() => emulator.close());
  return emulator;
}

/** For `afterEach`: stops every ingest and emulator the test started, newest first. */
export async function stopStarted(): Promise<void> {
  for (const stop of started.splice(0).reverse()) await stop();
}

export function startIngest(
  emulator: XEmulator,
  overrides: Partial<XIngestOptions> = {},
  sink = new CollectingSink(),
): Harness {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const observer = new RecordedEvents();
  const options: XIngestOptions = {
    baseUrl: emulator.url,
    credentials: { bearerToken: emulator.bearerToken },
    stream: "sample",
    stallTimeoutMs: 5_000,
    backoff: FAST_BACKOFF,
    ...overrides,
  };
  const ingest = createXStreamIngest(options, sink, observer.report, pino({ level: "debug" }, destination));
  ingest.start();
  started.push(() => ingest.stop());
  return { ingest, sink, observer, logs };
}

export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Asserts-ready view: what the emulator sent, as [id, text] pairs, to compare with what arrived. */
export function sentPairs(emulator: XEmulator): [string, string][] {
  return emulator.sent.map((s) => [s.id, s.message.data.text]);
}

export function receivedPairs(sink: CollectingSink): [string, string][] {
  return sink.events.map((e) => [e.id, e.text]);
}
