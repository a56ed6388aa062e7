import { describe, expect, it } from "vitest";
import { DEFAULT_X_FIELDS, xFieldsQuery } from "../../../events/x-fields.js";
import { fullText } from "../../../events/x-post.js";
import { RICH_MIX } from "../index.js";
import { emulatorPerTest, postLines } from "./emulator-per-test.js";
import { STREAM_QUERY, waitUntil } from "./raw-client.js";
import { callX } from "./x-http.js";

const FULL_QUERY = new URLSearchParams(xFieldsQuery(DEFAULT_X_FIELDS)).toString();
const fixture = emulatorPerTest();

async function streamOf(query: string, count: number) {
  const emulator = await fixture.start({ seed: 3, generator: { mix: RICH_MIX } }, [
    { value: "cats", tag: "felines" },
  ]);
  const published = emulator.publish(count);
  const stream = await fixture.open(`/2/tweets/search/stream?${query}`);
  await waitUntil(() => postLines(stream).length >= count, 10_000);
  return { published, messages: postLines(stream).map((l) => JSON.parse(l)) };
}

describe("the fields and expansions a request names, and only those", () => {
  it("created_at,lang,author_id (the old request): long posts arrive cut at 280, without note_tweet or references", async () => {
    const { published, messages } = await streamOf(STREAM_QUERY, 200);
    const long = published.filter((p) => p.tweet.note_tweet);
    expect(long.length).toBeGreaterThan(20);
    for (const message of messages) {
      expect(Object.keys(message.data).sort()).toEqual([
        "author_id",
        "created_at",
        "edit_history_tweet_ids",
        "id",
        "lang",
        "text",
      ]);
      expect(Object.keys(message.includes)).toEqual(["users"]);
    }
    const cut = messages.filter((m) => long.some((p) => p.tweet.id === m.data.id));
    for (const m of cut)
      expect(m.data.text).not.toBe(long.find((p) => p.tweet.id === m.data.id)?.tweet.note_tweet?.text);
  });

  it("the default request: note_tweet, entities, references, and the includes each post refers to", async () => {
    const { published, messages } = await streamOf(FULL_QUERY, 300);
    const byId = new Map(published.map((p) => [p.tweet.id, p]));
    for (const message of messages) {
      const post = byId.get(message.data.id);
      if (post === undefined) throw new Error("unknown post");
      const { tweet } = post;
      expect(message.data.note_tweet).toEqual(tweet.note_tweet);
      expect(message.data.entities).toEqual(tweet.entities);
      expect(message.data.referenced_tweets).toEqual(tweet.referenced_tweets);
      expect(message.matching_rules).toEqual([{ id: fixture.x.rules()[0]?.id, tag: "felines" }]);
      const original = post.referenced?.[0];
      if (original) {
        expect(message.includes.tweets).toEqual([expect.objectContaining({ id: original.tweet.id })]);
        expect(message.includes.users).toContainEqual(expect.objectContaining({ id: original.author.id }));
      }
      for (const m of post.media ?? [])
        expect(message.includes.media).toContainEqual(expect.objectContaining({ media_key: m.media_key }));
      for (const p of post.places ?? [])
        expect(message.includes.places).toContainEqual(expect.objectContaining({ id: p.id }));
      for (const p of post.polls ?? [])
        expect(message.includes.polls).toContainEqual(expect.objectContaining({ id: p.id }));
      // The events/ reader rebuilds every post's full text from what arrived.
      const expected =
        tweet.referenced_tweets?.[0]?.type === "retweeted" && original
          ? `RT @${original.author.username}: ${original.tweet.note_tweet?.text ?? original.tweet.text}`
          : (tweet.note_tweet?.text ?? tweet.text);
      expect(fullText(message.data, message.includes)).toBe(expected);
    }
    const kinds = new Set(messages.map((m) => m.data.referenced_tweets?.[0]?.type));
    expect([...kinds].sort()).toEqual(["quoted", "replied_to", "retweeted", undefined].sort());
  });

  it("answers an undocumented value with X's 400 problem naming it", async () => {
    const emulator = await fixture.start();
    for (const [param, value] of [
      ["media.fields", "colour"],
      ["expansions", "author"],
      ["poll.fields", "votes"],
    ]) {
      const res = await callX(emulator, "GET", `/2/tweets/search/stream?${param}=${value}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        title: "Invalid Request",
        type: "https://api.twitter.com/2/problems/invalid-request",
        errors: [
          { parameters: { [param as string]: [value] }, message: expect.stringContaining(`[${value}]`) },
        ],
      });
    }
    expect(emulator.connectionCount).toBe(0);
  });
});
