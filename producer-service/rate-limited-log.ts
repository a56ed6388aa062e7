import type { Logger } from "pino";

/**
 * Failures and drops can repeat thousands of times a second: each kind (`key`) is logged at most once per
 * interval, and the lines skipped meanwhile are counted into the next one as `suppressedSinceLast`.
 * (Metrics still count every occurrence exactly.)
 */
export class RateLimitedLog {
  private readonly lastLogged = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly everyMs: number,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    this.write("warn", key, fields, message);
  }

  error(key: string, fields: Record<string, unknown>, message: string): void {
    this.write("error", key, fields, message);
  }

  private write(
    level: "warn" | "error",
    key: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    const now = Date.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < this.everyMs) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return;
    }
    const suppressedSinceLast = this.suppressed.get(key) ?? 0;
    this.lastLogged.set(key, now);
    this.suppressed.set(key, 0);
    this.log[level]({ ...fields, suppressedSinceLast }, message);
  }
}
