import { describe, expect, it } from "vitest";
import { createTweetGenerator, RICH_MIX } from "../posts/generator.js";
import {
  codePointLength,
  MAX_LONG_POST_CODE_POINTS,
  truncateWeighted,
  weightedLength,
} from "../posts/text.js";
import type { GeneratedTweet, XEntities } from "../posts/x-types.js";

const sample = (count = 600, seed = 5): GeneratedTweet[] => {
  const generator = createTweetGenerator({ seed, mix: RICH_MIX });
  return Array.from({ length: count }, () => generator.next());
};
const posts = sample();
const refType = (p: GeneratedTweet) => p.tweet.referenced_tweets?.[0]?.type;
const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/** Every entity's offsets (code points, end exclusive) cover exactly what it names in `text`. */
function expectEntitiesMatch(text: string, entities: XEntities | undefined): void {
  const cps = [...text];
  const at = (start: number, end: number) => cps.slice(start, end).join("");
  for (const h of entities?.hashtags ?? []) expect(at(h.start, h.end)).toBe(`#${h.tag}`);
  for (const m of entities?.mentions ?? []) expect(at(m.start, m.end)).toBe(`@${m.username}`);
  for (const u of entities?.urls ?? []) expect(at(u.start, u.end)).toBe(u.url);
}

describe("posts in X's shapes (RICH_MIX)", () => {
  it("a quarter are long: `text` cut within 280 between graphemes, the whole body (≤ 4,000 code points) in note_tweet", () => {
    const long = posts.filter((p) => p.tweet.note_tweet !== undefined && refType(p) !== "retweeted");
    expect(long.length / posts.length).toBeGreaterThan(0.15);
    expect(long.length / posts.length).toBeLessThan(0.35);
    for (const { tweet } of long) {
      const whole = tweet.note_tweet?.text as string;
      expect(weightedLength(whole)).toBeGreaterThan(280);
      expect(codePointLength(whole)).toBeLessThanOrEqual(MAX_LONG_POST_CODE_POINTS);
      expect(weightedLength(tweet.text)).toBeLessThanOrEqual(280);
      expect(whole.startsWith(tweet.text)).toBe(true);
      for (const url of tweet.entities?.urls ?? [])
        expect(url.url).toMatch(/^https:\/\/t\.co\/[A-Za-z0-9]{10}$/);
      expect(hasLoneSurrogate(tweet.text) || hasLoneSurrogate(whole)).toBe(false);
      expectEntitiesMatch(whole, tweet.note_tweet?.entities);
    }
    expect(
      long.some(({ tweet }) => codePointLength(tweet.note_tweet?.text ?? "") === MAX_LONG_POST_CODE_POINTS),
    ).toBe(true);
    // In a long post of its own, what follows the cut is an emoji or CJK character: the cut falls inside
    // multi-byte text (a reply's leading handle and a quote's link move it).
    for (const { tweet } of long.filter((p) => refType(p) === undefined)) {
      const next = [...(tweet.note_tweet?.text ?? "").slice(tweet.text.length)][0] ?? "";
      expect(next.codePointAt(0)).toBeGreaterThan(0x10ff);
    }
  });

  it("retweets say RT @author: with the original's text cut at 280, and refer to the original", () => {
    const retweets = posts.filter((p) => refType(p) === "retweeted");
    expect(retweets.length).toBeGreaterThan(30);
    expect(retweets.filter((p) => p.referenced?.[0]?.tweet.note_tweet).length).toBeGreaterThan(10);
    for (const { tweet, referenced } of retweets) {
      const original = referenced?.[0] as GeneratedTweet;
      expect(tweet.referenced_tweets).toEqual([{ type: "retweeted", id: original.tweet.id }]);
      expect(tweet.text).toBe(truncateWeighted(`RT @${original.author.username}: ${original.tweet.text}`));
      expect(tweet.note_tweet).toBeUndefined();
    }
  });

  it("quotes link to the quoted post (expanded_url), replies name and thread under the post they answer", () => {
    const quotes = posts.filter((p) => refType(p) === "quoted");
    const replies = posts.filter((p) => refType(p) === "replied_to");
    expect(quotes.length).toBeGreaterThan(20);
    expect(replies.length).toBeGreaterThan(20);
    for (const { tweet, referenced } of quotes) {
      const quoted = referenced?.[0] as GeneratedTweet;
      const entities = tweet.note_tweet?.entities ?? tweet.entities;
      expect(entities?.urls?.at(-1)?.expanded_url).toBe(
        `https://x.com/${quoted.author.username}/status/${quoted.tweet.id}`,
      );
    }
    for (const { tweet, referenced } of replies) {
      const parent = referenced?.[0] as GeneratedTweet;
      expect(tweet.text.startsWith(`@${parent.author.username} `)).toBe(true);
      expect(tweet.in_reply_to_user_id).toBe(parent.author.id);
      expect(tweet.conversation_id).toBe(parent.tweet.conversation_id);
    }
  });

  it("entities name hashtags, known users and t.co links at their code-point offsets; media, polls, places attach", () => {
    for (const { tweet } of posts) expectEntitiesMatch(tweet.text, tweet.entities);
    expect(posts.some((p) => (p.tweet.entities?.hashtags?.length ?? 0) > 0)).toBe(true);
    expect(posts.some((p) => (p.tweet.entities?.mentions?.length ?? 0) > 0)).toBe(true);
    for (const p of posts.filter((each) => each.media)) {
      expect(p.tweet.attachments?.media_keys).toEqual(p.media?.map((m) => m.media_key));
    }
    expect(posts.some((p) => p.polls?.[0]?.id === p.tweet.attachments?.poll_ids?.[0] && p.polls)).toBe(true);
    expect(posts.some((p) => p.places?.[0]?.id === p.tweet.geo?.place_id && p.places)).toBe(true);
  });

  it("is deterministic for a seed, and the default mix stays plain", () => {
    expect(sample(50, 9)).toEqual(sample(50, 9));
    const plain = createTweetGenerator({ seed: 9 });
    for (let i = 0; i < 200; i++) {
      const { tweet } = plain.next();
      expect(tweet.note_tweet ?? tweet.referenced_tweets ?? tweet.entities).toBeUndefined();
    }
  });
});
