import type { Logger } from "pino";

/**
 * Logs dropped messages without letting a flood of them flood the log: the first per reason in each
 * interval is logged with its detail, the rest are counted and reported with the next one logged.
 * (Every drop is still counted exactly by the observer's metric.)
 */
export class DropLog {
  private readonly lastLogged = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  report(reason: string, detail: string, tweetId?: string): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(reason) ?? Number.NEGATIVE_INFINITY) < this.intervalMs) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return;
    }
    const suppressed = this.suppressed.get(reason) ?? 0;
    this.lastLogged.set(reason, now);
    this.suppressed.set(reason, 0);
    this.logger.warn({ reason, tweetId, detail, suppressedSinceLast: suppressed }, "stream message dropped");
  }
}
