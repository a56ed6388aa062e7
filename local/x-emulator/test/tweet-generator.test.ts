import { describe, expect, it } from "vitest";
import { createTweetGenerator, weightedLength } from "../index.js";

const sample = (seed: number, count = 500) => {
  const generator = createTweetGenerator({ seed });
  return Array.from({ length: count }, () => generator.next());
};

describe("tweet generator", () => {
  it("is deterministic: the same seed gives the same tweets, another seed different ones", () => {
    expect(sample(42, 50)).toEqual(sample(42, 50));
    expect(sample(43, 50).map((t) => t.tweet.text)).not.toEqual(sample(42, 50).map((t) => t.tweet.text));
  });

  it("gives strictly increasing 64-bit decimal ids, with created_at matching the snowflake timestamp", () => {
    const tweets = sample(1);
    for (let i = 1; i < tweets.length; i++) {
      const previous = BigInt(tweets[i - 1]?.tweet.id as string);
      const current = BigInt(tweets[i]?.tweet.id as string);
      expect(current > previous).toBe(true);
      expect(current < 2n ** 63n).toBe(true);
    }
    for (const { tweet } of tweets) {
      const ms = Number((BigInt(tweet.id) >> 22n) + 1288834974657n);
      expect(new Date(ms).toISOString()).toBe(tweet.created_at);
    }
  });

  it("with a clock, creates posts at its time; 5,000 in one millisecond still get increasing ids", () => {
    const now = Date.UTC(2026, 10, 30, 5, 0, 0);
    const generator = createTweetGenerator({ seed: 6, clock: () => now });
    const ids = Array.from({ length: 5000 }, () => BigInt(generator.next().tweet.id));
    for (let i = 1; i < ids.length; i++) expect((ids[i] as bigint) > (ids[i - 1] as bigint)).toBe(true);
    expect(Number(((ids[0] as bigint) >> 22n) + 1288834974657n)).toBe(now);
    expect(Number(((ids.at(-1) as bigint) >> 22n) + 1288834974657n)).toBe(now + 1);
  });

  it("stays within X's 280 weighted characters and reaches near the limit", () => {
    const lengths = sample(2).map((t) => weightedLength(t.tweet.text));
    expect(Math.max(...lengths)).toBeLessThanOrEqual(280);
    expect(Math.max(...lengths)).toBeGreaterThan(260);
  });

  it("mixes languages, multi-byte text, emoji, CJK and characters JSON must escape", () => {
    const tweets = sample(3);
    const langs = new Set(tweets.map((t) => t.tweet.lang));
    for (const lang of ["en", "ja", "es", "ar", "hi"]) expect(langs).toContain(lang);
    const texts = tweets.map((t) => t.tweet.text);
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    expect(texts.some((t) => /\p{Script=Han}/u.test(t))).toBe(true);
    expect(texts.some((t) => [...t].some((ch) => (ch.codePointAt(0) ?? 0) > 0xffff))).toBe(true);
    expect(texts.some((t) => t.includes("\n") || t.includes('"'))).toBe(true);
  });

  it("draws authors from a pool, with valid usernames and the author's id on each tweet", () => {
    const generator = createTweetGenerator({ seed: 4, authors: 10 });
    const tweets = Array.from({ length: 200 }, () => generator.next());
    expect(new Set(tweets.map((t) => t.author.id)).size).toBe(10);
    for (const { tweet, author } of tweets) {
      expect(tweet.author_id).toBe(author.id);
      expect(author.username).toMatch(/^[A-Za-z0-9_]{1,15}$/);
    }
  });
});
