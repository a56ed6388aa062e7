import { afterEach, describe, expect, it } from "vitest";
import { EDGE_MARGIN_MS } from "../recovery/recovery-plan.js";
import { idBefore } from "../snowflake.js";
import { DurableWatermark, type WatermarkState } from "../watermark/durable-watermark.js";
import { startEmulator, startIngest, stopStarted, waitUntil } from "./ingest-harness.js";

afterEach(stopStarted);

describe("the rules kept with the watermark", () => {
  it("a restart names the rules a redeploy removed when it searches its gap, and keeps the new ones", async () => {
    const emulator = await startEmulator();
    const aliveAtMs = Date.now() - 30_000;
    // The previous process streamed `dogs` and `cats`; this one is deployed with `cats` only.
    const state: WatermarkState = {
      newestId: idBefore(aliveAtMs - 1_000),
      recentIds: [],
      pendingGaps: [],
      rules: [
        { id: "9", value: "dogs", tag: "d" },
        { id: "8", value: "cats" },
      ],
    };
    const core = new DurableWatermark(state, EDGE_MARGIN_MS);
    const harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "cats" }],
      recovery: { mode: "search", maxPosts: 100, maxGapMs: 3_600_000 },
      watermark: { core, loaded: { ...state, writtenAtMs: aliveAtMs }, writeEveryMs: 500 },
    });
    // The restart's search starts once its end_time is 10 s old.
    await waitUntil(() => harness.observer.recoverySkips.includes("rule_changed"), 30_000);
    const line = harness.logs.find((l) => l.includes("removed while the stream was disconnected"));
    expect(JSON.parse(line as string).rules).toEqual([{ ruleId: "9", tag: "d" }]);
    expect(core.current()?.rules?.map((rule) => rule.value)).toEqual(["cats"]);
  }, 40_000);
});
