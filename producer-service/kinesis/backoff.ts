import type { ProducerMetrics } from "../metrics.js";
import { type QueuedRecord, RecordQueue } from "./record-queue.js";

/*
 * When the writer sends next: each record's retry delay (RetrySchedule), and the gap between the starts of two
 * calls, widened by throttling (CallPacer).
 */

export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number;
  /** Largest delay, however many attempts failed. */
  maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 10_000 };
/** Kinesis meters throughput per second and shard; gaps beyond a few seconds only add latency. */
export const DEFAULT_THROTTLE_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 5_000 };

/**
 * Exponential backoff with "equal jitter": half the exponential delay, plus a random part of the other half,
 * so retries of many producers spread out yet never come back at once.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function retryDelayMs(
  attempts: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/**
 * The gap kept between the starts of two PutRecords calls. Each throttled call doubles it, each clean call
 * halves it, down to no gap at all: the producer slows to what the stream takes and speeds up again by itself.
 */
export class AdaptiveThrottle {
  private gap = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_THROTTLE_BACKOFF) {}

  get delayMs(): number {
    return this.gap;
  }

  throttled(): void {
    this.gap = Math.min(this.options.maxMs, Math.max(this.options.baseMs, this.gap * 2));
  }

  succeeded(): void {
    this.gap = this.gap / 2 < this.options.baseMs ? 0 : this.gap / 2;
  }
}

/**
 * Records waiting to be sent again, in the order they failed, and when the next attempt is due. One delay
 * covers the whole queue, set by the record that has failed most often: a retry sends them together.
 */
export class RetrySchedule {
  readonly queue = new RecordQueue();
  private notBefore = 0;

  constructor(private readonly backoff: BackoffOptions) {}

  isDue(now: number): boolean {
    return this.queue.length > 0 && now >= this.notBefore;
  }

  /** Epoch ms the next retry is due; infinity when nothing waits. */
  get dueAt(): number {
    return this.queue.length > 0 ? this.notBefore : Number.POSITIVE_INFINITY;
  }

  /** Counts a failed attempt for each record and queues them behind the backoff delay. */
  schedule(records: readonly QueuedRecord[]): void {
    let attempts = 0;
    for (const record of records) {
      record.attempts++;
      attempts = Math.max(attempts, record.attempts);
      this.queue.push(record);
    }
    const delay = retryDelayMs(attempts, this.backoff);
    this.notBefore = Math.max(this.notBefore, Date.now() + delay);
  }

  /** Keeps records whose call was cut short at shutdown, for close() to spool; not an attempt. */
  keep(records: readonly QueuedRecord[]): void {
    for (const record of records) this.queue.push(record);
  }
}

/** When the next PutRecords call may start: the throttle's gap after the last one, widened by throttling. */
export class CallPacer {
  private readonly throttle: AdaptiveThrottle;
  private nextCallAt = 0;

  constructor(
    options: BackoffOptions | undefined,
    private readonly metrics: ProducerMetrics,
  ) {
    this.throttle = new AdaptiveThrottle(options);
  }

  /** Epoch ms before which no call starts. */
  get notBefore(): number {
    return this.nextCallAt;
  }

  callStarted(now: number): void {
    this.nextCallAt = now + this.throttle.delayMs;
  }

  succeeded(): void {
    if (this.throttle.delayMs === 0) return;
    this.throttle.succeeded();
    this.metrics.throttleDelay.set(this.throttle.delayMs / 1000);
  }

  /** Widens the gap between calls, counting it from now: the next call waits even if it was due. */
  slowDown(): void {
    this.throttle.throttled();
    this.nextCallAt = Math.max(this.nextCallAt, Date.now() + this.throttle.delayMs);
    this.metrics.throttleDelay.set(this.throttle.delayMs / 1000);
  }
}
