import { describe, expect, it } from "vitest";
import { metricsLine } from "../metrics.js";
import { resultLine } from "./support/fake-ports.js";
import { OPTIONS, post, rig } from "./support/sweep-rig.js";

// Found in review of issue 14: unknown actions, checkpoint read errors, the deadline while applying results,
// and what counts as a successful sweep.
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

describe("runSweep: SweepSucceeded means progress (issue 19 item 4)", () => {
  const succeeded = (summary: Parameters<typeof metricsLine>[0]) =>
    (JSON.parse(metricsLine(summary, "sweeper", 0)) as { SweepSucceeded: number }).SweepSucceeded;

  it("is 0 on a day whose deletes DynamoDB refused, and 1 once they are taken", async () => {
    const { sweep, table } = rig([post("1", "alice", "100"), post("2", "alice", "100")], (type) =>
      type === "tweets" ? [resultLine("1", "deleted")] : [],
    );
    table.refuseDeletes.add("alice\u00001");

    const refused = await sweep();
    expect(refused).toMatchObject({ errors: 0, deleteFailures: 1 });
    expect(succeeded(refused)).toBe(0);

    table.refuseDeletes.clear();
    expect(succeeded(await sweep())).toBe(1);
  });

  it("is 0 on a day whose per-author queries ran out of time, so nothing was applied", async () => {
    const items = ["1", "2", "3"].map((id) => post(id, `user${id}`, `10${id}`));
    const { sweep, table, clock } = rig(items, (type, uploaded) =>
      type === "users" ? uploaded.map((id) => resultLine(id, "suspended")) : [],
    );
    const query = table.itemsOfAuthor.bind(table);
    table.itemsOfAuthor = async (username, authorId) => {
      clock.time += 1000;
      return query(username, authorId);
    };

    // The first sweep applies the (empty) tweets file: progress. The users file (3 s of queries) fits neither
    // in what is left of it nor in the next sweep's 1.5 s.
    await sweep(2_500);
    const stopped = await sweep(1_500);
    expect(stopped).toMatchObject({ errors: 0, itemsDeleted: 0, jobsCompleted: 0, resultLinesApplied: 0 });
    expect(succeeded(stopped)).toBe(0);
  });
});

describe("runSweep: referenced posts (issue 19 item 8)", () => {
  const quoting = (id: string, refs: { posts: string[]; users: string[] }) => ({
    ...post(id, "alice", "100"),
    refs,
  });

  it("prunes a flagged reference from every carrier, leaves a carrier being deleted alone, and a dry run only counts", async () => {
    const items = [
      quoting("1", { posts: ["900"], users: ["9001"] }),
      quoting("2", { posts: ["900", "901"], users: ["9001"] }),
      quoting("3", { posts: ["900"], users: [] }),
    ];
    const results = (type: string) =>
      type === "tweets"
        ? [resultLine("900", "deleted"), resultLine("3", "deleted")]
        : [resultLine("9001", "protected")];

    const dry = rig(items, results, { ...OPTIONS, dryRun: true });
    const counted = await dry.sweep();
    // Items 1 and 2 carry post 900 (tweets job) and author 9001 (users job): two updates each; item 3 is deleted.
    expect(counted).toMatchObject({ includesPruned: 4, itemsDeleted: 1, passCompleted: true });
    expect(dry.table.items.get("alice\u00001")?.refs).toEqual({ posts: ["900"], users: ["9001"] });

    const { sweep, table } = rig(items, results);
    const summary = await sweep();
    expect(summary).toMatchObject({ includesPruned: 4, itemsDeleted: 1, includesConflicts: 0, errors: 0 });
    expect(table.items.get("alice\u00001")?.refs).toEqual({ posts: [], users: [] });
    expect(table.items.get("alice\u00002")?.refs).toEqual({ posts: ["901"], users: [] });
    expect(table.items.has("alice\u00003")).toBe(false);
  });
});
