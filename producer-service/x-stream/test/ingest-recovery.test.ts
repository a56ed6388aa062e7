import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_X_FIELDS, type TweetEventV2, wholeText, xFieldsQuery } from "../../../events/index.js";
import { RICH_MIX, type XEmulator } from "../../../local/x-emulator/index.js";
import type { RecoveryOptions } from "../ingest-options.js";
import { EDGE_MARGIN_MS } from "../recovery/recovery-plan.js";
import { idBefore, snowflakeTimeMs } from "../snowflake.js";
import {
  CollectingSink,
  type Harness,
  startEmulator,
  startIngest,
  stopStarted,
  waitUntil,
} from "./ingest-harness.js";

let emulator: XEmulator;
let harness: Harness | undefined;

afterEach(stopStarted);

const RECOVERY: RecoveryOptions = { mode: "search", maxPosts: 10_000, maxGapMs: 3_600_000 };
// Search refuses `sample:` (a stream-only operator): that rule's gap cannot be recovered.
const RULES = [{ value: "cats sample:50", tag: "sampled" }, { value: "dogs" }];
/** search/recent's end_time must be 10 s in the past: a search recovery finishes some 11 s after the reconnect. */
const RECOVERY_WAIT_MS = 40_000;

/** Posts are created at the real time, as on X, so that search's time window means something. */
const startRichEmulator = (seed: number) =>
  startEmulator({ seed, generator: { clock: () => Date.now(), mix: RICH_MIX } });

type XTweetLike = Parameters<typeof wholeText>[0];
const isRetweet = (post: { referenced_tweets?: { type: string }[] }) =>
  post.referenced_tweets?.some((r) => r.type === "retweeted") ?? false;
const ids = (events: readonly { id: string }[]) => events.map((e) => e.id);
const logLines = () => (harness?.logs ?? []).map((line) => JSON.parse(line) as Record<string, unknown>);

/** Streams `before` posts, cuts the network while `during` more are published, then streams `after` more. */
async function outage(before: number, during: number, after: number) {
  await emulator.waitForConnections(1);
  const streamed = emulator.publish(before);
  await waitUntil(() => harness?.sink.events.length === before);
  emulator.faults.networkOutage({ durationMs: 1_000 });
  const missed = emulator.publish(during);
  await emulator.waitForConnections(2, 20_000);
  const live = emulator.publish(after);
  return { streamed, missed, live };
}

describe("recovery with search/recent after a reconnect", () => {
  it("recovers what an outage kept from the stream, once each, marked recovered, skipping a rule search refuses", async () => {
    emulator = await startRichEmulator(31);
    harness = startIngest(emulator, { stream: "filtered", rules: RULES, recovery: RECOVERY });
    // Over 100 posts per rule: recovery pages with next_token.
    const { streamed, missed, live } = await outage(40, 260, 20);
    const [refused, searchable] = emulator.rules();
    const ruleOf = (id: string) => emulator.rules()[Number(BigInt(id) % 2n)];
    const ofSearchable = missed.filter((p) => ruleOf(p.tweet.id)?.id === searchable?.id);
    // X's search has not returned retweets since May 2026 (the emulator neither): those stay lost.
    const recoverable = ofSearchable.filter((p) => !isRetweet(p.tweet));
    const beyondSearch = ofSearchable.filter((p) => isRetweet(p.tweet));
    const expected = streamed.length + live.length + recoverable.length;
    await waitUntil(() => harness?.sink.events.length === expected, RECOVERY_WAIT_MS);
    await waitUntil(() => (harness?.observer.recoverySkips.length ?? 0) > 0);

    const events = harness.sink.events as TweetEventV2[];
    expect(new Set(ids(events)).size).toBe(events.length);
    expect(beyondSearch.length).toBeGreaterThan(0);
    expect(events.filter((e) => beyondSearch.some((p) => p.tweet.id === e.id))).toEqual([]);
    const recovered = events.filter((e) => e.recovered);
    expect(ids(recovered).sort()).toEqual(recoverable.map((p) => p.tweet.id).sort());
    expect(harness.observer.recovered).toBe(recoverable.length);
    for (const event of recovered) {
      const post = recoverable.find((p) => p.tweet.id === event.id)?.tweet;
      expect(event.matchingRules).toEqual([{ id: searchable?.id }]);
      expect(event.data.id).toBe(post?.id);
      if (post?.referenced_tweets?.[0]?.type !== "retweeted")
        expect(event.text).toBe(wholeText(post as unknown as XTweetLike));
    }
    expect(recovered.some((e) => e.data.note_tweet !== undefined)).toBe(true);

    // The search asked as the stream does: from a margin before the newest post delivered, 100 a page.
    const all = emulator.requests.filter((r) => r.path === "/2/tweets/search/recent");
    // Later gaps (keep-alives are slower than the 5 s stall timeout here) search from later posts.
    const searches = all.filter((r) => r.query.end_time === all[0]?.query.end_time);
    const newest = streamed.at(-1)?.tweet.id as string;
    const fieldsOnly = (query: Record<string, string>) =>
      Object.fromEntries(Object.entries(query).filter(([k]) => k.includes(".") || k === "expansions"));
    for (const search of searches) {
      expect(search.query.since_id).toBe(idBefore(snowflakeTimeMs(newest) - EDGE_MARGIN_MS));
      expect(search.query.max_results).toBe("100");
      expect(fieldsOnly(search.query)).toEqual(xFieldsQuery(DEFAULT_X_FIELDS));
    }
    const dogs = searches.filter((s) => s.query.query === "dogs");
    expect(recoverable.length).toBeGreaterThan(100);
    expect(dogs.length).toBeGreaterThanOrEqual(2);
    expect(dogs.slice(1).every((s) => s.query.next_token !== undefined)).toBe(true);
    expect(harness.observer.recoverySkips).toEqual(["rule_rejected"]);
    const refusal = logLines().find((l) => l.rule === refused?.value);
    expect(String(refusal?.reason)).toContain("Reference to invalid operator 'sample'");
  }, 60_000);

  it("bounds a gap by X_RECOVERY_MAX_POSTS (the newest first) with a loud line", async () => {
    emulator = await startRichEmulator(32);
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "dogs" }],
      recovery: { ...RECOVERY, maxPosts: 25 },
    });
    const { missed } = await outage(10, 60, 5);
    await waitUntil(() => harness?.observer.recoverySkips.length === 1, RECOVERY_WAIT_MS);
    // The 25 newest posts before the reconnect's second: the missed ones, and any live post streamed within
    // that second (already delivered: skipped as a duplicate).
    const recovered = harness.sink.events.filter((e) => (e as TweetEventV2).recovered);
    expect(recovered.length + harness.observer.duplicates).toBe(25);
    // Delivered oldest first.
    expect(ids(recovered)).toEqual(
      missed
        .filter((p) => !isRetweet(p.tweet))
        .slice(-recovered.length)
        .map((p) => p.tweet.id),
    );
    expect(harness.observer.recoverySkips).toEqual(["max_posts"]);
    expect(logLines().find((l) => String(l.msg).startsWith("RECOVERY INCOMPLETE"))).toMatchObject({
      maxPosts: 25,
      rules: [{ postsRead: 25 }],
    });
  }, 60_000);

  it("skips a gap longer than X_RECOVERY_MAX_GAP, saying how long it was", async () => {
    emulator = await startRichEmulator(33);
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "dogs" }],
      recovery: { ...RECOVERY, maxGapMs: 500 },
    });
    await outage(5, 10, 5);
    await waitUntil(() => harness?.observer.recoverySkips.length === 1);
    expect(harness.observer.recoverySkips).toEqual(["max_gap"]);
    const line = logLines().find((l) => String(l.msg).startsWith("RECOVERY SKIPPED"));
    expect(line?.gapMs).toBeGreaterThan(500);
    expect(emulator.requests.some((r) => r.path === "/2/tweets/search/recent")).toBe(false);
  });

  it("a gap still waiting for its search at stop() is abandoned loudly, counted as shutdown", async () => {
    emulator = await startRichEmulator(37);
    harness = startIngest(emulator, { stream: "filtered", rules: [{ value: "dogs" }], recovery: RECOVERY });
    await outage(5, 10, 0);
    await waitUntil(() => harness?.observer.connections === 2);
    // The search waits until end_time is 10 s old: stop before that.
    await harness.ingest.stop();
    expect(harness.observer.recoverySkips).toEqual(["shutdown"]);
    const line = logLines().find((l) => String(l.msg).startsWith("RECOVERY ABANDONED"));
    expect(line?.level).toBe(50);
    expect(emulator.requests.some((r) => r.path === "/2/tweets/search/recent")).toBe(false);
  });

  it("stop() ends a recovery waiting for room in a full sink, and still pushes every post it had read", async () => {
    emulator = await startRichEmulator(36);
    // Room for the streamed posts and one recovered post: the next one waits for room that never comes.
    const sink = new CollectingSink(10 + 5 + 1);
    harness = startIngest(
      emulator,
      { stream: "filtered", rules: [{ value: "dogs" }], recovery: RECOVERY },
      sink,
    );
    const { streamed, missed, live } = await outage(10, 20, 5);
    await waitUntil(() => sink.fullSignals > 0 && harness?.observer.recovered === 1, RECOVERY_WAIT_MS);
    expect(sink.events.length).toBe(streamed.length + live.length + 1);
    const started = Date.now();
    await harness.ingest.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    // The writer takes (or spools) what is pushed until it closes: nothing read is thrown away.
    const searchable = missed.filter((p) => !isRetweet(p.tweet)).map((p) => p.tweet.id);
    expect(ids(sink.events.slice(streamed.length + live.length)).sort()).toEqual(searchable.sort());
  }, 60_000);
});

describe("recovery with backfill_minutes", () => {
  it("reconnects asking for the gap in whole minutes; re-sent posts are skipped as duplicates, missed ones marked recovered", async () => {
    emulator = await startRichEmulator(34);
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "dogs" }],
      recovery: { ...RECOVERY, mode: "backfill" },
    });
    const { streamed, missed, live } = await outage(30, 40, 10);
    const all = [...streamed, ...missed, ...live].map((p) => p.tweet.id);
    await waitUntil(() => harness?.sink.events.length === all.length);
    expect(ids(harness.sink.events).sort()).toEqual([...all].sort());
    // X does not de-duplicate backfill: the 30 posts streamed before the outage came again.
    expect(harness.observer.duplicates).toBe(streamed.length);
    // What the outage kept from the stream came back through backfill: marked and counted as recovered.
    const recovered = harness.sink.events.filter((e) => (e as TweetEventV2).recovered);
    expect(ids(recovered).sort()).toEqual(missed.map((p) => p.tweet.id).sort());
    expect(harness.observer.recovered).toBe(missed.length);
    const streams = emulator.requests.filter((r) => r.path === "/2/tweets/search/stream");
    expect(streams.map((r) => r.query.backfill_minutes)).toEqual([undefined, "1"]);
  });
});

describe("sample stream", () => {
  it("has no recovery: nothing to search with, said once", async () => {
    emulator = await startRichEmulator(35);
    harness = startIngest(emulator, { recovery: RECOVERY });
    const { streamed, live } = await outage(5, 5, 5);
    await waitUntil(() => harness?.sink.events.length === streamed.length + live.length);
    expect(harness.logs.join("")).toContain("X_RECOVERY=search does not apply to the sample stream");
    expect(emulator.requests.some((r) => r.path === "/2/tweets/search/recent")).toBe(false);
  });
});
