import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backfillMinutes, GapTracker, isNewerId, planSearch } from "../recovery/recovery-plan.js";
import { SeenIds } from "../recovery/seen-ids.js";

const T0 = Date.parse("2026-11-30T05:00:00.000Z");

describe("GapTracker", () => {
  it("has no gap on the first connection, then one per reconnect with the newest delivered id", () => {
    const tracker = new GapTracker();
    tracker.disconnected(T0 - 5_000); // failures before the first connection leave no gap
    expect(tracker.connected(T0)).toBeUndefined();
    tracker.delivered("1000000000000000010");
    tracker.delivered("999999999999999999"); // shorter: older
    tracker.delivered("1000000000000000002");
    tracker.disconnected(T0 + 60_000);
    tracker.disconnected(T0 + 61_000); // a failed reconnect attempt keeps the first disconnect
    expect(tracker.gapMs(T0 + 62_000)).toBe(2_000);
    expect(tracker.connected(T0 + 65_000)).toEqual({
      sinceId: "1000000000000000010",
      firstConnectedAtMs: T0,
      disconnectedAtMs: T0 + 60_000,
      reconnectedAtMs: T0 + 65_000,
    });
    expect(tracker.connected(T0 + 70_000)).toBeUndefined();
  });

  it("without a delivered post, the gap starts at the first connection", () => {
    const tracker = new GapTracker();
    tracker.connected(T0);
    tracker.disconnected(T0 + 1_000);
    expect(tracker.connected(T0 + 3_000)?.sinceId).toBeUndefined();
  });

  it("property: isNewerId orders decimal ids as numbers", () => {
    const id = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(fc.property(id, id, (a, b) => isNewerId(String(a), String(b)) === a > b));
  });
});

describe("planSearch", () => {
  const gap = { firstConnectedAtMs: T0, disconnectedAtMs: T0 + 60_000, reconnectedAtMs: T0 + 68_400 };

  it("searches from since_id up to the reconnect second (exclusive, so rounded up), 10 s and more later", () => {
    expect(planSearch({ ...gap, sinceId: "42" }, { maxGapMs: 3_600_000 })).toEqual({
      kind: "search",
      window: { since_id: "42" },
      endTime: "2026-11-30T05:01:09Z",
      notBeforeMs: T0 + 69_000 + 11_000,
      gapMs: 8_400,
    });
  });

  it("searches from start_time (the first connection, in X's format) when no post was delivered", () => {
    const plan = planSearch({ ...gap, firstConnectedAtMs: T0 + 1_500 }, { maxGapMs: 3_600_000 });
    expect(plan.kind === "search" && plan.window).toEqual({ start_time: "2026-11-30T05:00:01Z" });
  });

  it("never reaches further back than search/recent's 7 days", () => {
    const plan = planSearch({ ...gap, firstConnectedAtMs: T0 - 30 * 86_400_000 }, { maxGapMs: 3_600_000 });
    const start = plan.kind === "search" && "start_time" in plan.window ? plan.window.start_time : "";
    expect(gap.reconnectedAtMs - Date.parse(start)).toBeLessThan(7 * 86_400_000);
  });

  it("skips a gap longer than X_RECOVERY_MAX_GAP", () => {
    expect(planSearch(gap, { maxGapMs: 8_000 })).toEqual({ kind: "skip", reason: "max_gap", gapMs: 8_400 });
  });
});

describe("backfillMinutes", () => {
  it.each([
    [1, 1, false],
    [60_000, 1, false],
    [60_001, 2, false],
    [300_000, 5, false],
    [300_001, 5, true],
  ])("a %i ms gap asks for %i minutes (beyond 5: %s)", (gapMs, minutes, beyond) => {
    expect(backfillMinutes(gapMs)).toEqual({ minutes, beyond });
  });
});

describe("SeenIds", () => {
  it("skips an id seen within the window, and forgets it after the window", () => {
    const seen = new SeenIds(60_000, 100, T0);
    expect(seen.add("1", T0)).toBe(true);
    expect(seen.add("1", T0 + 59_000)).toBe(false);
    expect(seen.add("1", T0 + 61_000)).toBe(true);
  });

  it("holds at most maxIds, forgetting the oldest first", () => {
    const seen = new SeenIds(3_600_000, 3, T0);
    for (const id of ["1", "2", "3", "4"]) seen.add(id, T0);
    expect(seen.size).toBe(3);
    expect(seen.add("1", T0)).toBe(true);
    expect(seen.add("4", T0)).toBe(false);
  });

  it("property: memory stays bounded, and within the bound every repeat is caught", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (ids) => {
        const seen = new SeenIds(3_600_000, 20, T0);
        const recent: number[] = [];
        for (const id of ids) {
          const fresh = seen.add(String(id), T0);
          expect(fresh).toBe(!recent.includes(id));
          if (fresh) recent.push(id);
          if (recent.length > 20) recent.shift();
          expect(seen.size).toBeLessThanOrEqual(20);
        }
      }),
    );
  });
});
