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
