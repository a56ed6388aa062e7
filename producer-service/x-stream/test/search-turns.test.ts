import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { XPostMessage } from "../envelope.js";
import { recoverBySearch, type SearchPage, type StreamRule } from "../recovery/search-recovery.js";
import { FAST_BACKOFF, RecordedEvents } from "./ingest-harness.js";

/**
 * The search recovery's core against an in-memory search/recent (newest first, next_token paging, the
 * max_results asked): what it asks for and delivers, given which posts each rule finds.
 */
function searchOver(postsByRule: Record<string, string[]>) {
  const asked: Record<string, string>[] = [];
  return {
    asked,
    search: async (query: Record<string, string>): Promise<SearchPage> => {
      asked.push(query);
      const ids = [...(postsByRule[query.query as string] ?? [])].sort((a, b) =>
        BigInt(b) > BigInt(a) ? 1 : -1,
      );
      const from = query.next_token === undefined ? 0 : Number(query.next_token);
      const size = Number(query.max_results);
      const page = ids.slice(from, from + size);
      const next = from + size < ids.length ? { next_token: String(from + size) } : {};
      return {
        data: page.map((id) => ({ id, text: `post ${id}` })),
        meta: { result_count: page.length, ...next },
      };
    },
  };
}

async function recover(
  rules: StreamRule[],
  postsByRule: Record<string, string[]>,
  options: { maxPosts: number; rulesInForce?: StreamRule[] },
  /**
   * The page request (from 1) during which a shutdown begins; `fails`: that request fails (cut), else its page
   * arrives whole.
   */
  shutdown?: { page: number; fails: boolean },
) {
  const delivered: XPostMessage[] = [];
  const events = new RecordedEvents();
  const logs: Record<string, unknown>[] = [];
  const x = searchOver(postsByRule);
  const stop = new AbortController();
  const outcome = await recoverBySearch(
    {
      kind: "search",
      window: { since_id: "1" },
      endTime: "2026-12-01T00:00:00Z",
      notBeforeMs: 0,
      gapMs: 60_000,
    },
    {
      listRules: async () => rules,
      search: async (query) => {
        if (x.asked.length + 1 === shutdown?.page) {
          stop.abort();
          if (shutdown.fails) throw new Error("socket hang up");
        }
        return x.search(query);
      },
      deliver: async (post) => {
        delivered.push(post);
      },
      sleep: async () => !stop.signal.aborted,
      stopSignal: stop.signal,
      report: events.report,
      logger: pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    },
    { fieldsQuery: {}, backoff: FAST_BACKOFF, ...options },
  );
  const idOf = (post: XPostMessage) => (post.data as { id: string }).id;
  return { outcome, delivered, ids: delivered.map(idOf), events, logs, asked: x.asked };
}

const range = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => String(1000 + from + i));
const BUSY: StreamRule = { id: "r1", value: "busy" };
const QUIET: StreamRule = { id: "r2", value: "quiet", tag: "q" };

describe("search recovery shares X_RECOVERY_MAX_POSTS among the rules", () => {
  it("a busy rule does not leave the others nothing: each keeps its newest posts, the cut rule is named", async () => {
    const { ids, events, logs } = await recover(
      [BUSY, QUIET],
      { busy: range(0, 300), quiet: range(500, 2) },
      {
        maxPosts: 100,
      },
    );
    // Both of the quiet rule's posts, and the busy rule's newest with the rest of the budget.
    expect(ids.filter((id) => Number(id) >= 1500)).toEqual(range(500, 2));
    const busy = ids.filter((id) => Number(id) < 1500);
    expect(busy.length).toBeGreaterThanOrEqual(90);
    expect(busy).toEqual(range(300 - busy.length, busy.length));
    expect(ids.length).toBeLessThanOrEqual(100);
    expect(events.recoverySkips).toEqual(["max_posts"]);
    const line = logs.find((l) => String(l.msg).startsWith("RECOVERY INCOMPLETE"));
    expect(line?.rules).toEqual([{ ruleId: "r1", postsRead: busy.length, oldestRecoveredId: busy[0] }]);
  });

  it("a post several rules find is delivered once, carrying every rule, oldest first", async () => {
    const { delivered, ids } = await recover(
      [BUSY, QUIET],
      { busy: ["1001", "1002"], quiet: ["1002", "1003"] },
      {
        maxPosts: 100,
      },
    );
    expect(ids).toEqual(["1001", "1002", "1003"]);
    expect(delivered[1]?.matchingRules).toEqual([{ id: "r1" }, { id: "r2", tag: "q" }]);
  });

  it("rules removed while disconnected are named and counted: their gap cannot be searched", async () => {
    const gone: StreamRule = { id: "r3", value: "gone", tag: "g" };
    const { events, logs, asked } = await recover(
      [BUSY],
      { busy: ["1001"] },
      {
        maxPosts: 100,
        rulesInForce: [BUSY, gone],
      },
    );
    expect(events.recoverySkips).toEqual(["rule_changed"]);
    expect(
      logs.find((l) => String(l.msg).includes("removed while the stream was disconnected"))?.rules,
    ).toEqual([{ ruleId: "r3", tag: "g" }]);
    expect(asked.map((q) => q.query)).toEqual(["busy"]);
  });
});

describe("search recovery's window", () => {
  it("is taken within search's 7-day reach when the rule's first page is asked for (the plan's since_id is older)", async () => {
    // The plan's since_id "1" is from 2010: planned when it was within reach, searched now.
    const { asked } = await recover([BUSY], { busy: range(0, 5) }, { maxPosts: 100 });
    expect(asked[0]?.since_id).toBeUndefined();
    expect(Date.now() - Date.parse(asked[0]?.start_time as string)).toBeLessThan(7 * 24 * 3_600_000);
  });
});

describe("search recovery at a shutdown", () => {
  it("pushes the posts already read, then counts and logs at error what it could not search", async () => {
    const { outcome, ids, events, logs } = await recover(
      [BUSY],
      { busy: range(0, 250) },
      { maxPosts: 1_000 },
      { page: 2, fails: true },
    );
    expect(outcome).toEqual({ read: 100, interrupted: true });
    expect(ids).toEqual(range(150, 100));
    expect(events.recoverySkips).toEqual(["shutdown"]);
    const line = logs.find((l) => String(l.msg).startsWith("RECOVERY INTERRUPTED"));
    expect(line).toMatchObject({ level: 50, postsRead: 100, postsPushed: 100 });
  });

  it("asks for no page after the shutdown began while one was being read (a page arriving whole)", async () => {
    const { outcome, ids, events, logs, asked } = await recover(
      [BUSY],
      { busy: range(0, 1_000) },
      { maxPosts: 10_000 },
      { page: 1, fails: false },
    );
    expect(asked).toHaveLength(1);
    expect(outcome).toEqual({ read: 100, interrupted: true });
    expect(ids).toEqual(range(900, 100));
    expect(events.recoverySkips).toEqual(["shutdown"]);
    const line = logs.find((l) => String(l.msg).startsWith("RECOVERY INTERRUPTED"));
    expect(line).toMatchObject({ level: 50, postsRead: 100, postsPushed: 100 });
  });
});
