import { describe, expect, it } from "vitest";
import { rotate } from "../lib/rounds.js";
import { quantile, spread } from "../lib/stats.js";

describe("spread", () => {
  it("reports the median and the extremes of the rounds", () => {
    expect(spread([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, n: 3 });
    expect(spread([1, 2, 3, 10]).median).toBe(2.5);
  });

  it("ignores NaN and reports an empty spread as NaN", () => {
    expect(spread([Number.NaN, 4]).median).toBe(4);
    expect(spread([]).n).toBe(0);
  });
});

describe("quantile", () => {
  it("interpolates between neighbours", () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.99)).toBeCloseTo(4.96);
  });

  it("keeps never-acknowledged samples (Infinity) infinite instead of NaN", () => {
    const sorted = [1, 2, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    expect(quantile(sorted, 0.99)).toBe(Number.POSITIVE_INFINITY);
    expect(quantile(sorted, 0.25)).toBeCloseTo(1.75);
  });
});

describe("rotate", () => {
  it("starts each round at a different configuration and keeps them all", () => {
    const items = ["a", "b", "c", "d"];
    expect(rotate(items, 0)).toEqual(["a", "b", "c", "d"]);
    expect(rotate(items, 1, 3)).toEqual(["d", "a", "b", "c"]);
    expect(new Set(rotate(items, 5, 3))).toEqual(new Set(items));
  });
});
