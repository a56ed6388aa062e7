import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { idBefore } from "../snowflake.js";
import { DurableWatermark } from "../watermark/durable-watermark.js";
import type { StoredWatermark } from "../watermark/watermark-file.js";
import { WatermarkKeeper } from "../watermark/watermark-keeper.js";
import { RecordedEvents } from "./ingest-harness.js";

const T0 = Date.parse("2026-12-01T00:00:00.000Z");
const at = (ms: number) => (BigInt(idBefore(T0 + ms)) + 1n).toString();

/** A keeper ticking every 50 ms onto `persist`, silent, its events dropped. */
const keeperOver = (
  watermark: DurableWatermark,
  persist: (dir: string, state: StoredWatermark) => Promise<void>,
  durableFirst?: () => Promise<void>,
) =>
  new WatermarkKeeper(
    "unused",
    watermark,
    new RecordedEvents().report,
    pino({ level: "silent" }),
    50,
    persist,
    durableFirst,
  );

describe("WatermarkKeeper on a slow disk", () => {
  it("writes one state at a time and queues none: a tick during a write is skipped, its change kept", async () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const written: StoredWatermark[] = [];
    let writing = 0;
    let mostAtOnce = 0;
    // Each write takes 300 ms; the keeper ticks every 50 ms while the watermark moves every 10 ms.
    const slowDisk = async (_dir: string, state: StoredWatermark) => {
      mostAtOnce = Math.max(mostAtOnce, ++writing);
      await sleep(300);
      writing--;
      written.push(state);
    };
    const keeper = keeperOver(watermark, slowDisk);
    keeper.start();
    let ms = 0;
    for (const endAt = Date.now() + 1_000; Date.now() < endAt; ms += 10) {
      watermark.pushed(at(ms))("durable");
      await sleep(10);
    }
    await keeper.close();
    // About 1 s / 300 ms writes while running, and the final one; a queue of every changed tick would be ~20.
    expect(written.length).toBeLessThanOrEqual(6);
    expect(mostAtOnce).toBe(1);
    expect(written.at(-1)?.newestId).toBe(at(ms - 10));
  });

  it("counts a write SPOOL_DIR refuses (the alert's metric), and says at error once that it is not saved", async () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const events = new RecordedEvents();
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const fullDisk = async () => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    };
    const keeper = new WatermarkKeeper("unused", watermark, events.report, logger, 50, fullDisk);
    keeper.start();
    watermark.pushed(at(0))("durable");
    await sleep(120);
    watermark.pushed(at(10))("durable");
    await keeper.close();
    expect(events.count("watermark-write-failed")).toBeGreaterThanOrEqual(2);
    expect(events.count("watermark-written")).toBe(0);
    expect(logs.filter((l) => String(l.msg).startsWith("WATERMARK NOT SAVED"))).toHaveLength(1);
  });

  it("makes the spool's appends durable before each write (a post counts once appended, which power loss undoes)", async () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const order: string[] = [];
    const keeper = keeperOver(
      watermark,
      async () => {
        order.push("write");
      },
      async () => {
        order.push("spool synced");
      },
    );
    watermark.pushed(at(0))("durable");
    await keeper.close();
    expect(order).toEqual(["spool synced", "write"]);
  });
});
