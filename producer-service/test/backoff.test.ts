import { describe, expect, it } from "vitest";
import { AdaptiveThrottle, retryDelayMs } from "../kinesis/backoff.js";

describe("retryDelayMs", () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it("doubles per attempt with jitter in the upper half, up to the maximum", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("AdaptiveThrottle", () => {
  it("widens the gap on throttling and closes it again on success", () => {
    const throttle = new AdaptiveThrottle({ baseMs: 50, maxMs: 300 });
    const gaps: number[] = [throttle.delayMs];
    for (let i = 0; i < 4; i++) {
      throttle.throttled();
      gaps.push(throttle.delayMs);
    }
    for (let i = 0; i < 4; i++) {
      throttle.succeeded();
      gaps.push(throttle.delayMs);
    }
    expect(gaps).toEqual([0, 50, 100, 200, 300, 150, 75, 0, 0]);
  });
});
