import type { ProducerMetrics } from "../metrics.js";
import { AdaptiveThrottle, type BackoffOptions } from "./backoff.js";

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
