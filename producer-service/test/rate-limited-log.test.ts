import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RateLimitedLog } from "../rate-limited-log.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: "warn" }, stream) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("RateLimitedLog", () => {
  it("logs each key once per interval and counts what it skipped into the next line", () => {
    // Prepare
    vi.useFakeTimers({ now: 0 });
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, 1_000);

    // Act: three of "a" and one of "b" in the first interval, one "a" after it.
    for (let i = 0; i < 3; i++) log.warn("a", { n: i }, "a happened");
    log.warn("b", { n: 0 }, "b happened");
    vi.setSystemTime(1_000);
    log.warn("a", { n: 3 }, "a happened");

    // Assess
    expect(lines.map((l) => [l.msg, l.n, l.suppressedSinceLast])).toEqual([
      ["a happened", 0, 0],
      ["b happened", 0, 0],
      ["a happened", 3, 2],
    ]);
  });
});
