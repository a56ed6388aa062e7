import { describe, expect, it } from "vitest";
import { TAKE_OVER_WINDOW_MS, TakeOverPolicy } from "../connection-takeover.js";

const T0 = 1_000_000;

describe("TakeOverPolicy", () => {
  it("closes someone else's connection once per window, and only a confirmed DELETE starts the window", () => {
    const policy = new TakeOverPolicy();
    expect(policy.decide(T0)).toBe("other");
    // The DELETE failed: nothing was closed, so the next TooManyConnections may try again.
    expect(policy.decide(T0 + 1_000)).toBe("other");
    policy.tookOver("other", T0 + 1_000);
    expect(policy.decide(T0 + 2_000)).toEqual({ refused: { lastTakeOverAtMs: T0 + 1_000 } });
    expect(policy.decide(T0 + 1_000 + TAKE_OVER_WINDOW_MS)).toBe("other");
  });

  it("our own stalled connection is taken over whenever it lingers, even right after closing another's", () => {
    const policy = new TakeOverPolicy();
    policy.tookOver("other", T0);
    policy.ownConnectionEnded(T0 + 5_000);
    expect(policy.decide(T0 + 6_000)).toBe("own");
    policy.tookOver("own", T0 + 6_000);
    policy.ownConnectionEnded(T0 + 60_000);
    expect(policy.decide(T0 + 61_000)).toBe("own");
    policy.tookOver("own", T0 + 61_000);
    // Nothing of ours lingers any more: a TooManyConnections now is someone else's, within the window.
    expect(policy.decide(T0 + 62_000)).toEqual({ refused: { lastTakeOverAtMs: T0 } });
  });
});
