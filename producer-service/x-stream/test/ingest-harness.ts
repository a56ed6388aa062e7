import { Writable } from "node:stream";
import { pino } from "pino";
import type { TweetEvent } from "../../../events/index.js";
import type { XEmulator } from "../../../local/x-emulator/index.js";
import type {
  EventSink,
  IngestObserver,
  ReconnectCause,
  RecoverySkipReason,
  XIngestOptions,
  XStreamIngest,
} from "../ingest-types.js";
import { createXStreamIngest } from "../x-stream-ingest.js";

/** A sink that keeps every event; with a capacity, it reports full until the test calls `release()`. */
export class CollectingSink implements EventSink {
  readonly events: TweetEvent[] = [];
  fullSignals = 0;
  /** Calls of waitForRoom(): a test waits for ingest to get there before asserting what it did not do. */
  roomWaits = 0;
  private held = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly capacity = Number.POSITIVE_INFINITY) {}

  push(event: TweetEvent): boolean {
    this.events.push(event);
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

export class RecordingObserver implements IngestObserver {
  connections = 0;
  tweets = 0;
  readonly disconnects: { cause: ReconnectCause; detail: string }[] = [];
  readonly drops: string[] = [];
  includesDroppedCount = 0;
  recovered = 0;
  duplicates = 0;
  takeovers = 0;
  readonly recoverySkips: RecoverySkipReason[] = [];

  connected(): void {
    this.connections++;
  }
  disconnected(cause: ReconnectCause, detail: string): void {
    this.disconnects.push({ cause, detail });
  }
  tweetReceived(): void {
    this.tweets++;
  }
  messageDropped(reason: string): void {
    this.drops.push(reason);
  }
  includesDropped(): void {
    this.includesDroppedCount++;
  }
  tweetRecovered(): void {
    this.recovered++;
  }
  connectionTakenOver(): void {
    this.takeovers++;
  }
  duplicateSkipped(): void {
    this.duplicates++;
  }
  recoverySkipped(reason: RecoverySkipReason): void {
    this.recoverySkips.push(reason);
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
  observer: RecordingObserver;
  /** Every log line the ingest wrote, at debug level. */
  logs: string[];
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
  const observer = new RecordingObserver();
  const options: XIngestOptions = {
    baseUrl: emulator.url,
    credentials: { bearerToken: emulator.bearerToken },
    stream: "sample",
    stallTimeoutMs: 5_000,
    backoff: FAST_BACKOFF,
    ...overrides,
  };
  const ingest = createXStreamIngest(options, sink, observer, pino({ level: "debug" }, destination));
  ingest.start();
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
