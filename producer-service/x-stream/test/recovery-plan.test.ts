import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backfillMinutes,
  EDGE_MARGIN_MS,
  GapTracker,
  isNewerId,
  planSearch,
  possibleRepeatsUpToMs,
  reachableWindow,
} from "../recovery/recovery-plan.js";
import { SeenIds } from "../recovery/seen-ids.js";
import { idBefore, snowflakeTimeMs } from "../snowflake.js";

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
      origin: "reconnect",
      sinceId: "1000000000000000010",
      firstConnectedAtMs: T0,
      disconnectedAtMs: T0 + 60_000,
      reconnectedAtMs: T0 + 65_000,
    });
    expect(tracker.connected(T0 + 70_000)).toBeUndefined();
  });

  it("after a restart, the first connection leaves the restart's gap from the watermark", () => {
    const tracker = new GapTracker();
    tracker.restarted("1000000000000000010", T0 - 4_000);
    expect(tracker.connected(T0)).toEqual({
      origin: "restart",
      sinceId: "1000000000000000010",
      firstConnectedAtMs: T0 - 4_000,
      disconnectedAtMs: T0 - 4_000,
      reconnectedAtMs: T0,
    });
    tracker.disconnected(T0 + 1_000);
    expect(tracker.connected(T0 + 2_000)?.origin).toBe("reconnect");
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
  const gap = {
    origin: "reconnect" as const,
    firstConnectedAtMs: T0,
    disconnectedAtMs: T0 + 60_000,
    reconnectedAtMs: T0 + 68_400,
  };
  const newest = idBefore(T0 + 59_000);

  it("searches from EDGE_MARGIN_MS before the newest delivered post to EDGE_MARGIN_MS after the reconnect, 10 s and more later", () => {
    expect(planSearch({ ...gap, sinceId: newest }, { maxGapMs: 3_600_000 })).toEqual({
      kind: "search",
      window: { since_id: idBefore(snowflakeTimeMs(newest) - EDGE_MARGIN_MS) },
      // 05:01:08.400 + 2 s margin, exclusive, so rounded up.
      endTime: "2026-11-30T05:01:11Z",
      notBeforeMs: T0 + 71_000 + 11_000,
      gapMs: 8_400,
    });
  });

  it("edges: a post in flight at the disconnect (older than since_id) and the seconds our clock is behind X's fall inside", () => {
    const plan = planSearch({ ...gap, sinceId: newest }, { maxGapMs: 3_600_000 });
    if (plan.kind !== "search" || !("since_id" in plan.window)) throw new Error("expected a since_id search");
    const inFlight = idBefore(snowflakeTimeMs(newest) - 1_000);
    expect(BigInt(inFlight) > BigInt(plan.window.since_id)).toBe(true);
    // X's clock 1.5 s ahead: the stream came back at X's 05:01:09.900, a post at X's 05:01:09.800 was missed.
    expect(Date.parse(plan.endTime)).toBeGreaterThan(gap.reconnectedAtMs + 1_500);
    // Without the margins both fall outside.
    const bare = planSearch({ ...gap, sinceId: newest }, { maxGapMs: 3_600_000 }, 0);
    if (bare.kind !== "search" || !("since_id" in bare.window)) throw new Error("expected a since_id search");
    expect(BigInt(inFlight) > BigInt(bare.window.since_id)).toBe(false);
    expect(Date.parse(bare.endTime)).toBeLessThan(gap.reconnectedAtMs + 1_500);
  });

  it("a newest post older than search's 7 days (a quiet stream) gives a start_time X accepts, not a since_id it refuses", () => {
    const old = idBefore(T0 - 8 * 86_400_000);
    const plan = planSearch({ ...gap, sinceId: old }, { maxGapMs: 3_600_000 });
    if (plan.kind !== "search" || !("start_time" in plan.window))
      throw new Error("expected a start_time search");
    const reach = gap.reconnectedAtMs - Date.parse(plan.window.start_time);
    expect(reach).toBeLessThan(7 * 86_400_000);
    expect(reach).toBeGreaterThan(7 * 86_400_000 - 120_000);
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

describe("a gap searched long after its reconnect", () => {
  it("is clamped to search's 7-day reach at request time, not at the reconnect", () => {
    const nowMs = Date.parse("2026-12-08T00:00:00.000Z");
    const day = 24 * 3_600_000;
    // Planned 6 days ago for a gap then 1 day old: since_id was within reach then, is 7 days old now.
    const planned = planSearch(
      {
        origin: "restart",
        sinceId: (BigInt(idBefore(nowMs - 7 * day)) + 1n).toString(),
        firstConnectedAtMs: nowMs - 8 * day,
        disconnectedAtMs: nowMs - 7 * day,
        reconnectedAtMs: nowMs - 6 * day,
      },
      { maxGapMs: 2 * day },
    );
    expect(planned).toMatchObject({ kind: "search", window: { since_id: expect.any(String) } });
    if (planned.kind !== "search") return;
    expect(reachableWindow(planned.window, nowMs)).toEqual({ start_time: "2026-12-01T00:01:00Z" });
    expect(reachableWindow(planned.window, nowMs - 6 * day)).toEqual(planned.window);
  });
});

describe("possible duplicates of a recovered gap", () => {
  const gap = {
    sinceId: "1",
    firstConnectedAtMs: T0,
    disconnectedAtMs: T0 + 1_000,
    reconnectedAtMs: T0 + 9_000,
  };
  it("none for a reconnect; up to the previous process's last write for a restart's gap; all once its search began", () => {
    expect(possibleRepeatsUpToMs({ ...gap, origin: "reconnect" }, false, 500)).toBeUndefined();
    expect(possibleRepeatsUpToMs({ ...gap, origin: "restart" }, false, 500)).toBe(T0 + 2_000);
    expect(possibleRepeatsUpToMs({ ...gap, origin: "restart" }, true, 500)).toBe(Number.POSITIVE_INFINITY);
  });
});
