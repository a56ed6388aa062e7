import { describe, expect, it } from "vitest";
import { metricsLine } from "../metrics.js";
import type { JobType } from "../ports.js";
import { runSweep, type SweepOptions } from "../sweep.js";
import {
  type FakeItem,
  InMemoryTable,
  InMemoryX,
  ManualClock,
  MemoryLogger,
  resultLine,
} from "./support/fake-ports.js";

const post = (Id: string, Username: string, AuthorId: string, Geo = false): FakeItem => ({
  Username,
  Id,
  AuthorId,
  Geo,
});
const OPTIONS: SweepOptions = {
  checkpointName: "sweep",
  maxIdsPerJob: 1000,
  scanSegments: 1,
  pollIntervalMs: 1000,
  dryRun: false,
};

function rig(items: FakeItem[], results: (type: JobType, uploaded: string[]) => string[], options = OPTIONS) {
  const table = new InMemoryTable(items);
  const x = new InMemoryX(results);
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const sweep = (budgetMs = 3_600_000) =>
    runSweep({ table, x, clock, logger, deadline: clock.now() + budgetMs, options });
  return { table, x, clock, logger, sweep, ids: () => [...table.items.values()].map((i) => i.Id).sort() };
}

describe("runSweep (the core, against in-memory ports)", () => {
  it("deletes deleted posts, every item of suspended/protected/deactivated authors, scrubs geo, keeps the rest", async () => {
    const { sweep, ids, table } = rig(
      [
        post("1", "alice", "100"),
        post("2", "alice", "100"),
        post("3", "bob", "200"),
        post("4", "bob_old", "200"),
        post("5", "carol", "300"),
        post("6", "dave", "400", true),
        post("7", "erin", "500"),
      ],
      (type) =>
        type === "tweets"
          ? [resultLine("1", "deleted"), resultLine("6", "scrub_geo")]
          : [
              resultLine("200", "suspended"),
              resultLine("300", "protected"),
              resultLine("500", "deactivated"),
            ],
    );

    const summary = await sweep();

    expect(ids()).toEqual(["2", "6"]);
    expect(table.items.get("dave\u00006")?.Geo).toBe(false);
    expect(summary).toMatchObject({
      postsChecked: 7,
      usersChecked: 5,
      itemsDeleted: 5,
      deletedByReason: { deleted: 1, suspended: 2, protected: 1, deactivated: 1 },
      geoScrubbed: 1,
      jobsCreated: 2,
      jobsCompleted: 2,
      passCompleted: true,
      resumeNext: false,
      errors: 0,
    });
  });

  it("acts on nothing for a malformed line or an id that was not uploaded, and counts both", async () => {
    // Post 9 is in the table but beyond this job's cap of 2 ids: a result for it must not delete it.
    const { sweep, ids, logger } = rig(
      [post("1", "alice", "100"), post("2", "alice", "100"), post("9", "zed", "900")],
      (type, uploaded) =>
        type === "tweets" && uploaded.includes("1")
          ? ["{not json", resultLine("9", "deleted"), resultLine("1", "deleted"), resultLine("2", "weird")]
          : [],
      { ...OPTIONS, maxIdsPerJob: 2 },
    );

    const summary = await sweep();

    expect(ids()).toEqual(["2", "9"]);
    expect(summary).toMatchObject({ itemsDeleted: 1, malformedLines: 2, unknownIds: 1 });
    expect(logger.lines.filter((l) => l.level === "warn").length).toBeGreaterThanOrEqual(3);
  });

  it.each(["failed", "expired"] as const)(
    "deletes nothing for a %s job and submits its ids again on the next sweep",
    async (outcome) => {
      const { sweep, ids, x } = rig([post("1", "alice", "100"), post("2", "bob", "200")], (type) =>
        type === "tweets" ? [resultLine("1", "deleted")] : [],
      );
      x.outcomes = [outcome];

      const first = await sweep();
      expect(ids()).toEqual(["1", "2"]);
      expect(first).toMatchObject({ itemsDeleted: 0, resumeNext: true, passCompleted: false });
      expect(outcome === "failed" ? first.jobsFailed : first.jobsExpired).toBe(1);

      const second = await sweep();
      expect(ids()).toEqual(["2"]);
      expect(second).toMatchObject({ itemsDeleted: 1, jobsCreated: 1, passCompleted: true });
      expect(x.jobs.map((j) => j.uploaded)).toContainEqual(["1", "2"]);
      expect(x.jobs.filter((j) => j.job.type === "tweets")).toHaveLength(2);
    },
  );

  it("stops at the deadline while jobs run, then resumes them without creating new ones", async () => {
    const { sweep, ids, x } = rig([post("1", "alice", "100")], (type) =>
      type === "tweets" ? [resultLine("1", "deleted")] : [],
    );
    x.pollsToFinish = 5;

    const first = await sweep(2_500);
    expect(first).toMatchObject({ resumeNext: true, jobsPending: 2, itemsDeleted: 0, jobsCreated: 2 });
    expect(ids()).toEqual(["1"]);

    const second = await sweep();
    expect(second).toMatchObject({ jobsCreated: 0, itemsDeleted: 1, passCompleted: true });
    expect(x.jobs).toHaveLength(2);
  });

  it("splits a table larger than the per-job limit into rounds, continuing the scan from the checkpoint", async () => {
    const items = Array.from({ length: 5 }, (_, i) => post(String(i + 1), `user${i}`, String(100 + i)));
    const { sweep, ids, x } = rig(
      items,
      (type, uploaded) =>
        type === "tweets"
          ? uploaded.filter((id) => Number(id) % 2 === 1).map((id) => resultLine(id, "deleted"))
          : [],
      { ...OPTIONS, maxIdsPerJob: 2 },
    );

    const summary = await sweep();

    expect(ids()).toEqual(["2", "4"]);
    expect(x.jobs.filter((j) => j.job.type === "tweets").map((j) => j.uploaded)).toEqual([
      ["1", "2"],
      ["3", "4"],
      ["5"],
    ]);
    expect(Math.max(...x.jobs.map((j) => j.uploaded.length))).toBeLessThanOrEqual(2);
    expect(summary).toMatchObject({ postsChecked: 5, itemsDeleted: 3, passCompleted: true });
  });

  it("in a dry run reports what it would do and changes nothing", async () => {
    const { sweep, ids, table } = rig(
      [post("1", "alice", "100"), post("2", "bob", "200", true)],
      (type) =>
        type === "tweets"
          ? [resultLine("1", "deleted"), resultLine("2", "scrub_geo")]
          : [resultLine("100", "suspended")],
      { ...OPTIONS, dryRun: true, checkpointName: "dry-run" },
    );

    const summary = await sweep();

    expect(ids()).toEqual(["1", "2"]);
    expect(table.items.get("bob\u00002")?.Geo).toBe(true);
    expect(table.deleteCalls).toBe(0);
    expect(summary).toMatchObject({ dryRun: true, itemsDeleted: 1, geoScrubbed: 1 });
  });

  it("applies a job's results again on the next sweep when DynamoDB did not take a delete", async () => {
    const { sweep, ids, table } = rig([post("1", "alice", "100"), post("2", "bob", "200")], (type) =>
      type === "tweets" ? [resultLine("1", "deleted"), resultLine("2", "deleted")] : [],
    );
    table.refuseDeletes.add("bob\u00002");

    const first = await sweep();
    expect(first).toMatchObject({
      itemsDeleted: 1,
      deleteFailures: 1,
      resumeNext: true,
      passCompleted: false,
    });
    table.refuseDeletes.clear();
    const second = await sweep();
    expect(ids()).toEqual([]);
    // The whole file is applied again: BatchWriteItem cannot tell a delete of a gone item, so both count.
    expect(second).toMatchObject({ itemsDeleted: 2, passCompleted: true, jobsCreated: 0 });
  });

  it("keeps its checkpoint when X errors, and counts the error", async () => {
    const { sweep, x, ids } = rig([post("1", "alice", "100")], () => [resultLine("1", "deleted")]);
    x.createJob = async () => {
      throw new Error("create compliance job: HTTP 503 Service Unavailable");
    };

    const summary = await sweep();

    expect(summary).toMatchObject({ errors: 1, resumeNext: true, itemsDeleted: 0 });
    expect(ids()).toEqual(["1"]);
  });

  it("scrubs every item of an author whose geo X scrubbed, and deletes none", async () => {
    const { sweep, ids, table } = rig(
      [post("1", "alice", "100", true), post("2", "alice", "100", true), post("3", "bob", "200", true)],
      (type) => (type === "users" ? [resultLine("100", "scrub_geo")] : []),
    );

    const summary = await sweep();

    expect(ids()).toEqual(["1", "2", "3"]);
    expect([...table.items.values()].map((i) => i.Geo)).toEqual([false, false, true]);
    expect(summary).toMatchObject({ geoScrubbed: 2, itemsDeleted: 0 });
  });

  it("starts a new pass, saying so, when its checkpoint cannot be read", async () => {
    const { sweep, ids, table, logger } = rig([post("1", "alice", "100")], (type) =>
      type === "tweets" ? [resultLine("1", "deleted")] : [],
    );
    table.state.set("checkpoint#sweep", "{not json");

    const summary = await sweep();

    expect(ids()).toEqual([]);
    expect(summary.passCompleted).toBe(true);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "error", fields: { problem: "not JSON" } }),
    );
  });
});

describe("runSweep: reviewer findings", () => {
  it("scrubs nothing for a line whose action is unknown, even with reason scrub_geo, and counts it", async () => {
    const { sweep, table, logger } = rig([post("1", "alice", "100", true)], (type) =>
      type === "tweets" ? [resultLine("1", "scrub_geo", "keep")] : [],
    );

    const summary = await sweep();

    expect(table.items.get("alice\u00001")?.Geo).toBe(true);
    expect(summary).toMatchObject({ geoScrubbed: 0, malformedLines: 1 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ problem: 'unknown action "keep"' }),
      }),
    );
  });

  it("counts and logs a checkpoint DynamoDB cannot read, and overwrites nothing", async () => {
    const { sweep, table, logger, x } = rig([post("1", "alice", "100")], () => []);
    table.state.set("checkpoint#sweep", "stored");
    table.loadCheckpoint = async () => {
      throw new Error("ProvisionedThroughputExceededException: read refused");
    };

    const summary = await sweep();

    expect(summary).toMatchObject({ errors: 1, resumeNext: true, jobsPending: 0 });
    expect(table.state.get("checkpoint#sweep")).toBe("stored");
    expect(x.jobs).toHaveLength(0);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: "error" }));
  });

  it("stops scrubbing at the deadline and applies the completed job again on the next sweep", async () => {
    const items = ["1", "2", "3"].map((id) => post(id, "alice", "100", true));
    const { sweep, table, clock, x } = rig(items, (type) =>
      type === "users" ? [resultLine("100", "scrub_geo")] : [],
    );
    const scrub = table.scrubGeo.bind(table);
    table.scrubGeo = async (key) => {
      clock.time += 1000; // each scrub takes a second of the budget
      return scrub(key);
    };

    // Results are applied at +1 s; the deadline at +2.5 s leaves time for two scrubs.
    const first = await sweep(2_500);
    expect([...table.items.values()].filter((i) => i.Geo)).toHaveLength(1);
    expect(first).toMatchObject({ geoScrubbed: 2, resumeNext: true, passCompleted: false, jobsPending: 1 });

    const second = await sweep();
    expect([...table.items.values()].filter((i) => i.Geo)).toHaveLength(0);
    // The same job is polled and downloaded again (no new job); the scrubbed items are left as they are.
    expect(second).toMatchObject({ geoScrubbed: 1, jobsCreated: 0, passCompleted: true });
    expect(x.jobs).toHaveLength(2);
  });

  it("stops the per-author queries at the deadline, deletes nothing yet, and applies the file next sweep", async () => {
    const items = ["1", "2", "3"].map((id) => post(id, `user${id}`, `10${id}`));
    const { sweep, table, clock, ids } = rig(items, (type, uploaded) =>
      type === "users" ? uploaded.map((id) => resultLine(id, "suspended")) : [],
    );
    const query = table.itemsOfAuthor.bind(table);
    let queries = 0;
    table.itemsOfAuthor = async (username, authorId) => {
      queries += 1;
      clock.time += 1000;
      return query(username, authorId);
    };

    // Results are applied at +1 s; the deadline at +2.5 s leaves time for two of the three queries.
    const first = await sweep(2_500);
    expect(queries).toBe(2);
    expect(ids()).toEqual(["1", "2", "3"]);
    expect(first).toMatchObject({ itemsDeleted: 0, resumeNext: true, usersChecked: 0, deleteFailures: 0 });

    const second = await sweep();
    expect(ids()).toEqual([]);
    expect(second).toMatchObject({ jobsCreated: 0, itemsDeleted: 3, usersChecked: 3, passCompleted: true });
  });
});

describe("runSweep: SweepSucceeded while X keeps failing jobs", () => {
  it("does not count a sweep as succeeded while a resubmitted job is open, until it completes", async () => {
    const { sweep, x } = rig([post("1", "alice", "100")], () => []);
    // Job 1 (tweets) fails; its resubmission (job 3) takes longer than a sweep, as X's jobs can.
    x.outcomes = ["failed"];
    const succeeded = (summary: Awaited<ReturnType<typeof sweep>>) =>
      (JSON.parse(metricsLine(summary, "sweeper", 0)) as { SweepSucceeded: number }).SweepSucceeded;

    expect(succeeded(await sweep())).toBe(0); // the job failed
    x.pollsToFinish = 100;
    const second = await sweep(5_000);
    expect(second).toMatchObject({ jobsFailed: 0, jobsPending: 1, jobsResubmitted: 1, errors: 0 });
    expect(succeeded(second)).toBe(0);
    x.pollsToFinish = 0;
    const third = await sweep();
    expect(third).toMatchObject({ passCompleted: true, jobsResubmitted: 0 });
    expect(succeeded(third)).toBe(1);
  });
});
