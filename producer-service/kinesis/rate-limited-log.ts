import type { Logger } from "pino";

/** Failures can repeat hundreds of times a second: this logs each kind at most every few seconds. */
export class RateLimitedLog {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly everyMs: number,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? 0) < this.everyMs) return;
    this.lastLogged.set(key, now);
    this.log.warn(fields, message);
  }
}
