import { describe, expect, it } from "vitest";
import { Backoff, X_BACKOFF } from "../reconnect-policy.js";

const delays = (backoff: Backoff, cause: Parameters<Backoff["next"]>[0], n: number) =>
  Array.from({ length: n }, () => backoff.next(cause));

describe("Backoff (X's reconnect guidance)", () => {
  it("network errors, stalls and disconnects: linear in 250 ms steps, capped at 16 s", () => {
    const backoff = new Backoff(X_BACKOFF);
    expect(delays(backoff, "network", 3)).toEqual([250, 500, 750]);
    expect(backoff.next("stall")).toBe(1000);
    expect(backoff.next("operational-disconnect")).toBe(1250);
    expect(delays(backoff, "network", 80).at(-1)).toBe(16_000);
  });

  it("HTTP errors: exponential from 5 s, capped at 320 s", () => {
    expect(delays(new Backoff(X_BACKOFF), "http", 8)).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000,
    ]);
  });

  it("429: exponential from 60 s, never before X's x-rate-limit-reset, capped at 15 minutes", () => {
    const backoff = new Backoff(X_BACKOFF);
    expect(delays(backoff, "rate-limit", 2)).toEqual([60_000, 120_000]);
    const now = 1_000_000;
    expect(new Backoff(X_BACKOFF).next("rate-limit", now + 200_000, now)).toBe(200_000);
    expect(new Backoff(X_BACKOFF).next("rate-limit", now + 3_600_000, now)).toBe(900_000);
    expect(delays(backoff, "rate-limit", 10).at(-1)).toBe(900_000);
  });

  it("counts each kind separately and starts over after reset (a healthy connection)", () => {
    const backoff = new Backoff(X_BACKOFF);
    backoff.next("http");
    expect(backoff.next("network")).toBe(250);
    expect(backoff.next("http")).toBe(10_000);
    backoff.reset();
    expect([backoff.next("network"), backoff.next("http"), backoff.next("rate-limit")]).toEqual([
      250, 5_000, 60_000,
    ]);
  });
});
