import { afterEach, expect, it } from "vitest";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import {
  type ComplianceEnvironment,
  type StoredPost,
  startComplianceEnvironment,
  useEngine,
} from "./support/environment.js";

// alice keeps her posts; bob (two usernames over time) is suspended, carol protected; post 11 was deleted on X;
// dave's post 41 had its geo scrubbed.
const POSTS: StoredPost[] = [
  { id: "11", username: "alice", authorId: "1001" },
  { id: "12", username: "alice", authorId: "1001" },
  { id: "21", username: "bob", authorId: "1002" },
  { id: "22", username: "bob_was_here", authorId: "1002" },
  { id: "31", username: "carol", authorId: "1003" },
  { id: "41", username: "dave", authorId: "1004", geo: true },
  { id: "42", username: "dave", authorId: "1004", geo: true },
];

let env: ComplianceEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function prepared(engine: RunningEmulator, variables: Record<string, string> = {}) {
  env = await startComplianceEnvironment(variables, {}, undefined, engine);
  await env.store(POSTS);
  env.x.compliance.deletePost("11");
  env.x.compliance.setAccountState("1002", "suspended");
  env.x.compliance.setAccountState("1003", "protected");
  env.x.compliance.scrubGeo("41");
  return env;
}

// Against dynalite always, and against AWS's DynamoDB Local where Java is present (the processor's helper).
describeOnEngines("compliance handler against the X emulator", ({ start }) => {
  const engine = useEngine(start);

  it("removes deleted posts and every item of suspended and protected authors, scrubs geo, keeps the rest", async () => {
    const { sweep, items, reservedItems, x } = await prepared(engine());

    const summary = await sweep();

    const left = await items();
    expect([...left.keys()].sort()).toEqual(["alice/12", "dave/41", "dave/42"]);
    const scrubbed = left.get("dave/41");
    expect(scrubbed?.Geo).toBeUndefined();
    const raw = JSON.parse(scrubbed?.Raw?.S ?? "{}");
    expect(raw.data.geo).toBeUndefined();
    expect(raw.includes.places).toBeUndefined();
    expect(raw.includes.users).toHaveLength(1);
    expect(left.get("dave/42")?.Geo).toBeDefined();
    expect(JSON.parse(left.get("dave/42")?.Raw?.S ?? "{}").data.geo).toBeDefined();
    expect(summary).toMatchObject({
      postsChecked: 7,
      usersChecked: 4,
      itemsDeleted: 4,
      deletedByReason: { deleted: 1, suspended: 2, protected: 1 },
      geoScrubbed: 1,
      jobsCreated: 2,
      jobsCompleted: 2,
      passCompleted: true,
      errors: 0,
      malformedLines: 0,
    });
    expect(summary.readUnits).toBeGreaterThan(0);
    // Only the checkpoint is left in the reserved partition (stored uploads are dropped once applied).
    expect(await reservedItems()).toBe(1);
    expect(x.compliance.list().map((j) => [j.type, j.status, j.uploadedIds])).toEqual([
      ["tweets", "complete", 7],
      ["users", "complete", 4],
    ]);
  });

  it("a dry run reports the same and changes nothing", async () => {
    const { sweep, items } = await prepared(engine(), { COMPLIANCE_DRY_RUN: "true" });

    const summary = await sweep();

    expect((await items()).size).toBe(POSTS.length);
    expect((await items()).get("dave/41")?.Geo).toBeDefined();
    expect(summary).toMatchObject({ dryRun: true, itemsDeleted: 4, geoScrubbed: 1, passCompleted: true });
  });

  it.each(["failed", "expired"] as const)(
    "a %s job deletes nothing, and the next sweep submits it again",
    async (how) => {
      const { sweep, items, x } = await prepared(engine());
      if (how === "failed") x.compliance.failNextJob();
      else x.compliance.expireNextJob();

      const first = await sweep();
      expect(first).toMatchObject({ [how === "failed" ? "jobsFailed" : "jobsExpired"]: 1, resumeNext: true });
      expect(first.deletedByReason.deleted).toBeUndefined();
      expect((await items()).has("alice/11")).toBe(true);

      const second = await sweep();
      expect((await items()).has("alice/11")).toBe(false);
      expect(second).toMatchObject({ jobsCreated: 1, passCompleted: true });
    },
  );

  it("skips and counts a malformed result line, and applies the others", async () => {
    const { sweep, items, x } = await prepared(engine());
    x.compliance.injectMalformedLine();

    const summary = await sweep();

    expect(summary).toMatchObject({ malformedLines: 1, itemsDeleted: 4 });
    expect((await items()).size).toBe(3);
  });

  it("stops at its deadline while jobs run, saves where it stood, and the next run finishes without new jobs", async () => {
    const { sweep, items, x } = await prepared(engine(), {
      COMPLIANCE_MAX_IDS_PER_JOB: "4",
      COMPLIANCE_SCAN_SEGMENTS: "1",
    });
    x.compliance.processingMs = 120_000;

    // 500 ms safety margin of an 8 s invocation (room for a loaded machine to create both jobs): the sweep
    // stops while the first round's jobs are still in progress.
    const first = await sweep(8_000);
    expect(first).toMatchObject({ resumeNext: true, jobsPending: 2, jobsCreated: 2, itemsDeleted: 0 });
    expect((await items()).size).toBe(POSTS.length);

    x.compliance.processingMs = 50;
    const second = await sweep();
    expect(second.passCompleted).toBe(true);
    expect([...(await items()).keys()].sort()).toEqual(["alice/12", "dave/41", "dave/42"]);
    // The first round's jobs were resumed, not created again; the rest of the table got a second round.
    expect(
      x.compliance
        .list()
        .filter((j) => j.type === "tweets")
        .map((j) => j.uploadedIds),
    ).toEqual([4, 3]);
  }, 90_000);
});
