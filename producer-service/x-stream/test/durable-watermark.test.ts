import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { idBefore } from "../snowflake.js";
import { DurableWatermark, RECENT_IDS_MAX } from "../watermark/durable-watermark.js";
import {
  readWatermark,
  WATERMARK_FILE,
  WatermarkFileError,
  writeWatermark,
} from "../watermark/watermark-file.js";

const T0 = Date.parse("2026-12-01T00:00:00.000Z");
/** A post id created `ms` after T0. */
const at = (ms: number) => (BigInt(idBefore(T0 + ms)) + 1n).toString();
/** A gap from 100 ms to 4 s after T0. */
const gap = {
  sinceId: at(0),
  firstConnectedAtMs: T0,
  disconnectedAtMs: T0 + 100,
  reconnectedAtMs: T0 + 4_000,
};

describe("DurableWatermark", () => {
  it("moves over the longest prefix of pushed posts reported durable, in push order", () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const settle = [at(0), at(10), at(20)].map((id) => watermark.pushed(id));
    expect(watermark.current()).toBeUndefined();
    settle[1]?.("durable");
    expect(watermark.current()).toBeUndefined(); // the first is not yet durable
    settle[0]?.("durable");
    expect(watermark.current()?.newestId).toBe(at(10));
    settle[2]?.("durable");
    expect(watermark.current()).toEqual({
      newestId: at(20),
      recentIds: [at(0), at(10), at(20)],
      pendingGaps: [],
    });
  });

  it("at shutdown, stops for good at a lost post: the next start searches from before it", () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const settle = [at(0), at(10), at(20)].map((id) => watermark.pushed(id));
    watermark.shutdown();
    settle[0]?.("durable");
    settle[1]?.("lost");
    settle[2]?.("durable");
    expect(watermark.current()?.newestId).toBe(at(0));
    // Nothing after a lost post is kept: memory stays flat for the rest of the process.
    for (let i = 0; i < 1_000; i++) watermark.pushed(at(30 + i));
    expect(watermark.unsettled).toBe(0);
    expect(watermark.current()?.newestId).toBe(at(0));
  });

  it("while running, passes a post the writer gave up on (over 1 MiB, refused as invalid): searching again cannot help", () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const settle = [at(0), at(10), at(20)].map((id) => watermark.pushed(id));
    settle[0]?.("durable");
    settle[1]?.("lost");
    settle[2]?.("durable");
    expect(watermark.current()).toMatchObject({ newestId: at(20), recentIds: [at(0), at(20)] });
  });

  it("keeps the gaps not yet recovered beside it, until their recovery ends", () => {
    const watermark = new DurableWatermark({ newestId: at(0), recentIds: [], pendingGaps: [] }, 2_000);
    const release = watermark.pending(gap);
    watermark.pushed(at(5_000))("durable");
    expect(watermark.current()).toMatchObject({ newestId: at(5_000), pendingGaps: [gap] });
    release();
    expect(watermark.current()?.pendingGaps).toEqual([]);
  });

  it("keeps a released gap until the posts pushed before its release are settled (a SIGKILL then loses none)", () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const release = watermark.pending(gap);
    watermark.pushed(at(5_000))("durable"); // streamed after the reconnect
    const recovered = watermark.pushed(at(2_000)); // found by the gap's search, still in the writer
    release(); // the search ended
    watermark.pushed(at(6_000))("durable");
    expect(watermark.current()).toMatchObject({ newestId: at(5_000), pendingGaps: [gap] });
    recovered("durable");
    expect(watermark.current()).toMatchObject({ newestId: at(6_000), pendingGaps: [] });
  });

  it("keeps the gaps a previous process left from the start, until the recovery given their release ends", () => {
    const watermark = new DurableWatermark({ newestId: at(5_000), recentIds: [], pendingGaps: [gap] }, 2_000);
    watermark.pushed(at(6_000))("durable");
    expect(watermark.current()?.pendingGaps).toEqual([gap]);
    const restored = watermark.restoredGaps();
    expect(restored.map((held) => held.gap)).toEqual([gap]);
    expect(watermark.restoredGaps()).toEqual([]); // handed out once
    // Its search begins: the file says so (a restart then counts what it finds again as possible duplicates).
    watermark.searching(restored[0]?.gap ?? gap);
    expect(watermark.current()?.pendingGaps).toEqual([{ ...gap, searched: true }]);
    restored[0]?.release();
    expect(watermark.current()?.pendingGaps).toEqual([]);
  });

  it("keeps the recent ids of the last window only (what a restart skips as delivered)", () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    for (const ms of [0, 1_000, 2_500, 3_000, 4_000]) watermark.pushed(at(ms))("durable");
    expect(watermark.current()?.recentIds).toEqual([at(2_500), at(3_000), at(4_000)]);
  });
});

describe("DurableWatermark at high rates", () => {
  it("keeps and writes at most RECENT_IDS_MAX recent ids, the newest (9,999 posts within the window)", () => {
    const watermark = new DurableWatermark(undefined, 2_000);
    const ids = Array.from({ length: 9_999 }, (_, i) =>
      (BigInt(idBefore(T0 + i / 10)) + 1n + BigInt(i % 2)).toString(),
    );
    for (const id of ids) watermark.pushed(id)("durable");
    const recentIds = watermark.current()?.recentIds ?? [];
    expect(recentIds).toHaveLength(RECENT_IDS_MAX);
    expect(recentIds).toEqual(ids.slice(-RECENT_IDS_MAX));
  });
});

describe("the watermark file", () => {
  it("round-trips, is replaced atomically (no temporary file left), and names what is wrong with a bad one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "watermark-"));
    try {
      expect(await readWatermark(dir)).toBeUndefined();
      const gap = {
        sinceId: at(0),
        firstConnectedAtMs: T0,
        disconnectedAtMs: T0 + 1,
        reconnectedAtMs: T0 + 9,
      };
      const state = {
        newestId: at(10),
        recentIds: [at(0), at(10)],
        pendingGaps: [gap],
        writtenAtMs: T0 + 20,
      };
      await writeWatermark(dir, state);
      await writeWatermark(dir, { ...state, newestId: at(20) });
      expect(await readWatermark(dir)).toEqual({ ...state, newestId: at(20) });
      const rules = [
        { id: "1", value: "cats", tag: "c" },
        { id: "2", value: "dogs" },
      ];
      await writeWatermark(dir, { ...state, rules });
      expect((await readWatermark(dir))?.rules).toEqual(rules);
      expect(await readdir(dir)).toEqual([WATERMARK_FILE]);
      await writeFile(join(dir, WATERMARK_FILE), '{"newestId": 12');
      await expect(readWatermark(dir)).rejects.toThrow(WatermarkFileError);
      await writeFile(join(dir, WATERMARK_FILE), '{"newestId": "x", "recentIds": [], "writtenAt": "now"}');
      await expect(readWatermark(dir)).rejects.toThrow("lacks newestId");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
