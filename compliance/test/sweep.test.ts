import { describe, expect, it } from "vitest";
import { resultLine } from "./support/fake-ports.js";
import { OPTIONS, post, rig } from "./support/sweep-rig.js";

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

  it("starts a new pass, counting an error, when the open round's stored uploads are gone (TTL after 30 days)", async () => {
    const { sweep, ids, table, x, logger } = rig([post("1", "alice", "100")], (type) =>
      type === "tweets" ? [resultLine("1", "deleted")] : [],
    );
    x.pollsToFinish = 5;
    const first = await sweep(2_500);
    expect(first).toMatchObject({ resumeNext: true, jobsPending: 2 });
    // The round stayed open past its chunks' ExpiresAt: DynamoDB's TTL removed them.
    table.state.delete("upload#sweep#1#tweets");

    const second = await sweep();

    expect(second).toMatchObject({ errors: 1, passCompleted: true, itemsDeleted: 1 });
    expect(ids()).toEqual([]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "error", fields: expect.objectContaining({ round: 1 }) }),
    );
    // The rounds counter goes on: the new pass's round is 2, its uploads never named as the lost round's.
    expect(JSON.parse(table.state.get("checkpoint#sweep") ?? "{}").rounds).toBe(2);
    const third = await sweep();
    expect(third.errors).toBe(0);
  });

  it("drops a version 1 checkpoint's uploads, warning with its version, and starts a new pass", async () => {
    const { sweep, ids, table, logger } = rig([post("1", "alice", "100")], (type) =>
      type === "tweets" ? [resultLine("1", "deleted")] : [],
    );
    table.state.set("checkpoint#sweep", JSON.stringify({ v: 1, scan: { segments: [] }, rounds: 3 }));
    table.state.set("v1-upload#sweep#3#tweets#000000", "1\talice");
    table.state.set("v1-upload#dry-run#1#tweets#000000", "1\talice");

    const summary = await sweep();

    expect(summary).toMatchObject({ errors: 0, passCompleted: true });
    expect(ids()).toEqual([]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "warn", fields: { version: 1, uploadsDropped: 1 } }),
    );
    expect([...table.state.keys()].filter((k) => k.startsWith("v1-upload#"))).toEqual([
      "v1-upload#dry-run#1#tweets#000000",
    ]);
  });
});
