import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_X_FIELDS, xFieldsQuery } from "../../../events/x-fields.js";
import { startXEmulator, type XEmulator } from "../index.js";
import { createTweetGenerator, RICH_MIX } from "../posts/generator.js";
import type { GeneratedTweet } from "../posts/x-types.js";
import { openRawStream, STREAM_QUERY, waitUntil } from "./raw-client.js";
import { addRules, callX } from "./x-http.js";

// Posts created two minutes ago, so they are inside search's window (end_time at least 10 s before now).
const generator = createTweetGenerator({ seed: 21, mix: RICH_MIX, startTimeMs: Date.now() - 120_000 });
const posts: GeneratedTweet[] = Array.from({ length: 250 }, () => generator.next());
const isRetweet = (p: GeneratedTweet) => p.tweet.referenced_tweets?.[0]?.type === "retweeted";
// What search can find: X's recent search has not returned retweets since May 2026.
const searchable = posts.filter((p) => !isRetweet(p));
const ids = searchable.map((p) => p.tweet.id);
let x: XEmulator;
beforeAll(async () => {
  x = await startXEmulator();
  await addRules(x, [{ value: "cats", tag: "felines" }]);
  x.publish(posts);
});
afterAll(() => x.close());

const search = (params: Record<string, string>) =>
  callX(x, "GET", `/2/tweets/search/recent?${new URLSearchParams(params)}`);

async function searchAll(params: Record<string, string>): Promise<{ ids: string[]; pages: number }> {
  const found: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await search({ ...params, ...(token ? { next_token: token } : {}) });
    expect(res.status).toBe(200);
    pages++;
    found.push(...(res.body.data ?? []).map((d: { id: string }) => d.id));
    token = res.body.meta.next_token;
  } while (token);
  return { ids: found, pages };
}

describe("GET /2/tweets/search/recent", () => {
  it("pages newest first with next_token; meta names the newest and oldest id of each page", async () => {
    const first = await search({ query: "cats", max_results: "100" });
    expect(first.body.meta).toEqual({
      newest_id: ids.at(-1),
      oldest_id: ids.at(-100),
      result_count: 100,
      next_token: expect.any(String),
    });
    const { ids: all, pages } = await searchAll({ query: "cats", max_results: "100" });
    expect(pages).toBe(Math.ceil(ids.length / 100));
    expect(all).toEqual([...ids].reverse());
  });

  it("since_id and until_id bound the ids (exclusive), start_time and end_time the creation times", async () => {
    const since = ids[99] as string;
    const until = ids[200] as string;
    const { ids: between } = await searchAll({
      query: "cats",
      since_id: since,
      until_id: until,
      max_results: "10",
    });
    expect(between).toEqual(ids.slice(100, 200).reverse());
    const from = posts[50]?.tweet.created_at as string;
    const to = posts[60]?.tweet.created_at as string;
    const { ids: timed } = await searchAll({ query: "cats", start_time: from, end_time: to });
    const expected = searchable
      .filter((p) => p.tweet.created_at >= from && p.tweet.created_at < to)
      .map((p) => p.tweet.id);
    expect(timed).toEqual(expected.reverse());
  });

  it("answers with the requested fields and one shared includes: long posts whole, quoted originals", async () => {
    const res = await search({ query: "cats", max_results: "100", ...xFieldsQuery(DEFAULT_X_FIELDS) });
    const long = res.body.data.filter((d: { note_tweet?: unknown }) => d.note_tweet);
    expect(long.length).toBeGreaterThan(10);
    const quote = res.body.data.find(
      (d: { referenced_tweets?: { type: string }[] }) => d.referenced_tweets?.[0]?.type === "quoted",
    );
    expect(res.body.includes.tweets.map((t: { id: string }) => t.id)).toContain(
      quote.referenced_tweets[0].id,
    );
    const userIds = res.body.includes.users.map((u: { id: string }) => u.id);
    expect(new Set(userIds).size).toBe(userIds.length);
    const bare = await search({ query: "cats" });
    expect(Object.keys(bare.body.data[0]).sort()).toEqual(["edit_history_tweet_ids", "id", "text"]);
    expect(bare.body.includes).toBeUndefined();
  });

  it("never returns a retweet (as X since May 2026), while the stream sends them", async () => {
    const retweets = posts.filter(isRetweet).map((p) => p.tweet.id);
    expect(retweets.length).toBeGreaterThan(10);
    const { ids: found } = await searchAll({ query: "cats", max_results: "100" });
    expect(found.filter((id) => retweets.includes(id))).toEqual([]);
    // The stream carries the same posts, retweets included: search cannot bring back the retweets of a gap.
    const stream = await openRawStream(x.url, `/2/tweets/search/stream?${STREAM_QUERY}`, x.bearerToken);
    try {
      await waitUntil(() => x.sent.length === posts.length);
    } finally {
      stream.close();
    }
    expect(x.sent.map((s) => s.id).filter((id) => retweets.includes(id))).toEqual(retweets);
  });

  it("matches a rule's value as the stream matches it: two rules split the posts, any other query finds all", async () => {
    await addRules(x, [{ value: "dogs" }]);
    const cats = await searchAll({ query: "cats", max_results: "100" });
    const dogs = await searchAll({ query: "dogs", max_results: "100" });
    expect(cats.ids.length).toBeGreaterThan(50);
    expect(dogs.ids.length).toBeGreaterThan(50);
    expect([...cats.ids, ...dogs.ids].sort()).toEqual([...ids].sort());
    expect((await searchAll({ query: "kinesis OR aws", max_results: "100" })).ids).toHaveLength(ids.length);
    await callX(x, "POST", "/2/tweets/search/stream/rules", { delete: { values: ["dogs"] } });
  });

  it.each([
    [
      { query: "cats", end_time: new Date(Date.now() - 5_000).toISOString() },
      "end_time",
      "must be a minimum of 10 seconds prior to the request time",
    ],
    [
      { query: "cats", start_time: new Date(Date.now() - 8 * 86_400_000).toISOString() },
      "start_time",
      "must be on or after",
    ],
    [{ query: "cats", max_results: "5" }, "max_results", "is not between 10 and 100"],
    [{ query: "cats", max_results: "101" }, "max_results", "is not between 10 and 100"],
    [{ query: "cats", since_id: "12ab" }, "since_id", "does not match"],
    [{ query: "cats", next_token: "bogus" }, "next_token", "is not valid"],
    [{ query: "" }, "query", "can not be empty"],
    [{ query: "cats sample:10" }, "query", "Reference to invalid operator 'sample'"],
    [{ query: "cats", "tweet.fields": "note" }, "tweet.fields", "[note] is not one of"],
  ])("refuses %j with X's 400 naming %s", async (params, param, message) => {
    const res = await search(params as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      title: "Invalid Request",
      type: "https://api.twitter.com/2/problems/invalid-request",
      errors: [{ parameters: { [param]: [expect.any(String)] }, message: expect.stringContaining(message) }],
    });
  });

  it("leaves out the last 30 s without end_time, and posts older than the history keeps", async () => {
    const recent = createTweetGenerator({ seed: 8, startTimeMs: Date.now() - 20_000 }).next();
    const y = await startXEmulator({ historySize: 10 });
    try {
      y.publish([recent]);
      const query = `query=cats&since_id=${BigInt(recent.tweet.id) - 1n}`;
      const without = await callX(y, "GET", `/2/tweets/search/recent?${query}`);
      expect(without.body.meta.result_count).toBe(0);
      const end = new Date(Date.now() - 11_000).toISOString();
      const withEnd = await callX(y, "GET", `/2/tweets/search/recent?${query}&end_time=${end}`);
      expect(withEnd.body.data.map((d: { id: string }) => d.id)).toEqual([recent.tweet.id]);
      y.publish(searchable.slice(0, 30));
      expect(y.historyEvicted).toBeGreaterThan(0);
      const kept = await callX(y, "GET", "/2/tweets/search/recent?query=cats&max_results=100");
      expect(kept.body.meta.result_count).toBe(10);
    } finally {
      await y.close();
    }
  });

  it("says result_count 0 without data when nothing matches, and counts against the app's search limit", async () => {
    const res = await search({ query: "cats", since_id: ids.at(-1) as string });
    expect(res.body).toEqual({ meta: { result_count: 0 } });
    expect(res.headers.get("x-rate-limit-limit")).toBe("450");
  });
});
