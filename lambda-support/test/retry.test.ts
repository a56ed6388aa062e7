import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, fullJitterDelay } from "../backoff.js";
import { mapWithConcurrency } from "../concurrency.js";
import { isRequestRejection, isRetryableWriteError } from "../sdk-errors.js";

describe("fullJitterDelay", () => {
  it("stays in [0, min(cap, base * 2^(attempt-1)))", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = fullJitterDelay(attempt, DEFAULT_BACKOFF, () => r);
          const ceiling = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** (attempt - 1));

          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it("grows exponentially up to the cap", () => {
    const top = () => 0.999999;

    expect(
      [1, 2, 3, 4, 10].map((attempt) => fullJitterDelay(attempt, { baseMs: 50, capMs: 3000 }, top)),
    ).toEqual([49, 99, 199, 399, 2999]);
  });
});

describe("isRetryableWriteError", () => {
  const sdkError = (name: string, httpStatusCode?: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

  it.each([
    ["ProvisionedThroughputExceededException", 400, true],
    ["ThrottlingException", 400, true],
    ["RequestLimitExceeded", 400, true],
    ["InternalServerError", 500, true],
    ["ECONNRESET", undefined, true],
    ["ValidationException", 400, false],
    ["ResourceNotFoundException", 400, false],
    ["AccessDeniedException", 400, false],
    ["AbortError", undefined, false],
  ])("%s (HTTP %s) retryable: %s", (name, status, retryable) => {
    expect(isRetryableWriteError(sdkError(name, status))).toBe(retryable);
  });
});

describe("isRequestRejection", () => {
  it.each([
    ["ValidationException", true],
    ["ResourceNotFoundException", false],
    ["AccessDeniedException", false],
    ["ProvisionedThroughputExceededException", false],
    ["InternalServerError", false],
  ])("%s: split the call to find the refused request: %s", (name, split) => {
    expect(isRequestRejection(Object.assign(new Error(name), { name }))).toBe(split);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps order and never has more than `limit` calls in flight", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        async (xs, limit) => {
          let inFlight = 0;
          let peak = 0;

          const out = await mapWithConcurrency(xs, limit, async (x) => {
            inFlight += 1;
            peak = Math.max(peak, inFlight);
            for (let i = 0; i < x; i++) await Promise.resolve();
            inFlight -= 1;
            return x * 2;
          });

          expect(out).toEqual(xs.map((x) => x * 2));
          expect(peak).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });
});
