import { afterEach, expect, it } from "vitest";
import { decodeStoredRecord } from "../../events/stored-record.js";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import {
  type ComplianceEnvironment,
  rawEnvelope,
  type StoredPost,
  startComplianceEnvironment,
  useEngine,
} from "./support/environment.js";

// Issue 19 item 8: posts quoted or replied to, kept inside another item's includes, and their authors, are
// checked with X, and what X flags is removed from the includes of every item that carries it; the item's own
// post stays. alice quotes 900 (deleted on X) twice over (two posts); bob (Raw stored Binary, as the processor
// writes it) replies to 901, whose author yan is suspended; carol quotes 902, which nothing flags.
const zed = { authorId: "9001", username: "zed" };
const POSTS: StoredPost[] = [
  { id: "11", username: "alice", authorId: "1001", references: [{ id: "900", ...zed }] },
  { id: "12", username: "alice", authorId: "1001", references: [{ id: "900", ...zed }] },
  {
    id: "21",
    username: "bob",
    authorId: "1002",
    binary: true,
    references: [{ id: "901", authorId: "9002", username: "yan" }],
  },
  {
    id: "31",
    username: "carol",
    authorId: "1003",
    references: [{ id: "902", authorId: "9003", username: "xia" }],
  },
];

let env: ComplianceEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describeOnEngines("compliance of referenced posts in includes", ({ start }) => {
  const engine = useEngine(start);

  it("removes flagged referenced posts and authors from every item's includes, and keeps the items' own posts", async () => {
    env = await startComplianceEnvironment({}, {}, undefined, engine());
    await env.store(POSTS);
    env.x.compliance.deletePost("900");
    env.x.compliance.setAccountState("9002", "suspended");

    const summary = await env.sweep();

    const items = await env.items();
    const record = (key: string) => {
      const item = items.get(key);
      const raw = item?.Raw?.B ? { B: item.Raw.B } : { S: item?.Raw?.S ?? "{}" };
      return JSON.parse(decodeStoredRecord(raw, item?.Message?.S ?? ""));
    };
    expect([...items.keys()].sort()).toEqual(["alice/11", "alice/12", "bob/21", "carol/31"]);
    for (const [key, post] of [
      ["alice/11", POSTS[0]],
      ["alice/12", POSTS[1]],
    ] as const) {
      expect(record(key).includes.tweets).toEqual([]);
      // Only the post was deleted: its author stays, as does the item's own post.
      expect(record(key).includes.users.map((u: { id: string }) => u.id)).toEqual(["1001", "9001"]);
      expect(record(key).data).toEqual(JSON.parse(rawEnvelope(post as StoredPost)).data);
    }
    expect(record("bob/21").includes.tweets).toEqual([]);
    expect(record("bob/21").includes.users.map((u: { id: string }) => u.id)).toEqual(["1002"]);
    expect(items.get("bob/21")?.Raw?.B).toBeDefined();
    expect(record("bob/21").data).toEqual(JSON.parse(rawEnvelope(POSTS[2] as StoredPost)).data);
    expect(items.get("carol/31")?.Raw?.S).toBe(rawEnvelope(POSTS[3] as StoredPost));
    expect(summary).toMatchObject({ errors: 0, passCompleted: true, itemsDeleted: 0, includesPruned: 3 });
    // The referenced ids were uploaded with the stored ones: 4 + 3 posts, 3 + 3 authors.
    expect(env.x.compliance.list().map((j) => [j.type, j.uploadedIds])).toEqual([
      ["tweets", 7],
      ["users", 6],
    ]);
  });

  it("keeps every job within COMPLIANCE_MAX_IDS_PER_JOB, references counted, over as many rounds as it takes", async () => {
    env = await startComplianceEnvironment(
      { COMPLIANCE_MAX_IDS_PER_JOB: "4", COMPLIANCE_SCAN_SEGMENTS: "1" },
      {},
      undefined,
      engine(),
    );
    await env.store(POSTS);
    env.x.compliance.deletePost("900");

    const summary = await env.sweep();

    expect(summary).toMatchObject({ errors: 0, passCompleted: true, includesPruned: 2 });
    const uploaded = env.x.compliance.list().map((j) => j.uploadedIds);
    expect(Math.max(...uploaded)).toBeLessThanOrEqual(4);
    // 7 post ids in all: two rounds at least.
    expect(uploaded.length).toBeGreaterThanOrEqual(4);
  });
});
