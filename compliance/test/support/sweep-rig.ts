import type { JobType } from "../../ports.js";
import { runSweep, type SweepOptions } from "../../sweep.js";
import { type FakeItem, InMemoryTable, InMemoryX, ManualClock, MemoryLogger } from "./fake-ports.js";

/** The core wired to in-memory ports and a clock that moves only when the sweep sleeps. */
export const post = (Id: string, Username: string, AuthorId: string, Geo = false): FakeItem => ({
  Username,
  Id,
  AuthorId,
  Geo,
});
export const OPTIONS: SweepOptions = {
  checkpointName: "sweep",
  maxIdsPerJob: 1000,
  scanSegments: 1,
  pollIntervalMs: 1000,
  dryRun: false,
};

export function rig(
  items: FakeItem[],
  results: (type: JobType, uploaded: string[]) => string[],
  options = OPTIONS,
) {
  const table = new InMemoryTable(items);
  const x = new InMemoryX(results);
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const sweep = (budgetMs = 3_600_000) =>
    runSweep({ table, x, clock, logger, deadline: clock.now() + budgetMs, options });
  return { table, x, clock, logger, sweep, ids: () => [...table.items.values()].map((i) => i.Id).sort() };
}
