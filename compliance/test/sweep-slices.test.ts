import { describe, expect, it } from "vitest";
import { SLICE_LINES } from "../apply-results.js";
import { metricsLine } from "../metrics.js";
import type { ItemKey } from "../ports.js";
import { resultLine } from "./support/fake-ports.js";
import { OPTIONS, post, rig } from "./support/sweep-rig.js";

// Issue 19 item 3: 2,000 suspended authors at 20 ms per Query in a 30 s budget deleted nothing over 4 sweeps,
// each reporting 0 errors: every author's items were collected before any delete, and the deadline threw the
// collected work away. Now a users result file is applied a slice at a time, each slice recorded.
const AUTHORS = 40_000;
const QUERY_MS = 20;
const BUDGET_MS = 30_000;

describe("runSweep: a large users result", () => {
  it(`applies ${AUTHORS.toLocaleString("en")} flagged authors within a bounded number of sweeps, resuming where each stopped`, async () => {
    const items = Array.from({ length: AUTHORS }, (_, i) =>
      post(String(1_000_000 + i), `user_${i}`, String(500_000 + i)),
    );
    const { sweep, table, clock } = rig(
      items,
      (type, uploaded) => (type === "users" ? uploaded.map((id) => resultLine(id, "suspended")) : []),
      { ...OPTIONS, maxIdsPerJob: 50_000 },
    );
    // One Query per author costs 20 ms of the budget; the in-memory table is indexed by username for speed.
    const byUsername = new Map(items.map((i) => [i.Username, { Username: i.Username, Id: i.Id }]));
    table.itemsOfAuthor = async (username): Promise<ItemKey[]> => {
      clock.time += QUERY_MS;
      const key = byUsername.get(username);
      return key && table.items.has(`${key.Username}\u0000${key.Id}`) ? [key] : [];
    };

    // Every query takes 20 ms: AUTHORS × 20 ms of work in 30 s sweeps; at most one slice (250 × 20 ms = 5 s)
    // of each sweep is lost to its deadline, so 25 s of every 30 s count, plus a sweep for the jobs and the end.
    const bound = Math.ceil((AUTHORS * QUERY_MS) / (BUDGET_MS - SLICE_LINES * QUERY_MS)) + 2;
    const applied: number[] = [];
    let sweeps = 0;
    for (; sweeps < bound && table.items.size > 0; sweeps++) {
      const summary = await sweep(BUDGET_MS);
      applied.push(summary.resultLinesApplied);
      expect(summary.errors).toBe(0);
    }

    expect(table.items.size).toBe(0);
    expect(sweeps).toBeLessThanOrEqual(bound);
    // Each sweep after the first applied whole slices (the last may end mid-file), never starting over.
    expect(applied.reduce((a, b) => a + b, 0)).toBe(AUTHORS);
    expect(applied.slice(1, -1).every((n) => n > 0 && n % SLICE_LINES === 0)).toBe(true);
  }, 60_000);

  it("stops recording at a slice whose delete was refused, applies the later slices, and resumes at that slice", async () => {
    const items = Array.from({ length: 600 }, (_, i) => post(String(2_000_000 + i), "alice", "100"));
    const { sweep, table } = rig(items, (type, uploaded) =>
      type === "tweets" ? uploaded.map((id) => resultLine(id, "deleted")) : [],
    );
    const refused = `alice\u0000${2_000_000 + 10}`;
    table.refuseDeletes.add(refused);
    const linesApplied = () =>
      (
        JSON.parse(table.state.get("checkpoint#sweep") ?? "{}") as {
          round?: { tweets: { linesApplied: number } };
        }
      ).round?.tweets.linesApplied;

    const first = await sweep();
    // Slice 1 (lines 1-250) held a refused delete: nothing recorded, though all three slices were applied.
    expect(first).toMatchObject({
      deleteFailures: 1,
      itemsDeleted: 599,
      resultLinesApplied: 600,
      passCompleted: false,
    });
    expect(linesApplied()).toBe(0);
    expect([...table.items.keys()]).toEqual([refused]);

    table.refuseDeletes.clear();
    const second = await sweep();
    expect(second).toMatchObject({ deleteFailures: 0, passCompleted: true, resultLinesApplied: 600 });
    expect(table.items.size).toBe(0);
  });

  it("reports deletes the deadline stopped as the deadline, not as refused deletes, and finishes them next sweep", async () => {
    const items = Array.from({ length: 600 }, (_, i) => post(String(3_000_000 + i), "alice", "100"));
    const budgetMs = 60_000;
    const { sweep, table, clock } = rig(items, (type, uploaded) =>
      type === "tweets" ? uploaded.map((id) => resultLine(id, "deleted")) : [],
    );
    // The second slice's BatchWriteItem calls run past the deadline: 100 of its deletes are taken, the rest are
    // handed back as the batch writer does when the deadline ends them.
    const realDelete = table.deleteItems.bind(table);
    let cut = true;
    table.deleteItems = async (keys) => {
      if (!cut || table.deleteCalls === 0) return realDelete(keys);
      cut = false;
      const taken = await realDelete(keys.slice(0, 100));
      clock.time += budgetMs;
      return {
        deleted: taken.deleted,
        failed: keys.slice(100).map((key) => ({ key, reason: "deadline reached during the write" })),
        cutByDeadline: true,
      };
    };

    const first = await sweep(budgetMs);
    expect(first).toMatchObject({ deleteFailures: 0, errors: 0, itemsDeleted: 350, resultLinesApplied: 250 });
    expect(JSON.parse(metricsLine(first, "sweeper", 0)).SweepSucceeded).toBe(1);

    const second = await sweep(budgetMs);
    expect(second).toMatchObject({ deleteFailures: 0, errors: 0, passCompleted: true });
    expect(table.items.size).toBe(0);
  });
});
