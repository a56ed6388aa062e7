import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { entitiesOf, type TweetEventV2 } from "../../events/index.js";
import { decodeStoredRecord } from "../../events/stored-record.js";
import type { LocalPipeline } from "../pipeline/pipeline.js";
import { readProgress } from "../pipeline/progress.js";
import { type GeneratedTweet, RICH_MIX, type XEmulator } from "../x-emulator/index.js";
import { scanItems, startE2ePipeline, waitForItems } from "./support/e2e.js";
import { readStreamEvents } from "./support/kinesis-records.js";

/**
 * Several hundred posts in X's wire format (a quarter long, up to 4,000 code points with emoji and CJK across
 * the 280 cut; retweets of long posts, quotes, replies) through the whole pipeline, with a network outage of
 * several seconds in the middle while posts keep being published: every post reaches Kinesis exactly once with
 * its full text, entities and references, and the table holds every one with the v2 attributes; except the
 * retweets published during the outage, which X's recent search (the recovery) has not returned since May 2026.
 */
const BEFORE = 250;
const DURING = 200;
const AFTER = 150;
const OUTAGE_MS = 8_000;

let pipeline: LocalPipeline;
let x: XEmulator;
beforeAll(async () => {
  pipeline = await startE2ePipeline("kinesalite", {
    xEmulator: { generator: { mix: RICH_MIX }, recordSent: true },
  });
  if (!pipeline.x) throw new Error("emulator expected");
  x = pipeline.x;
});
afterAll(() => pipeline.close());

/** Publishes `count` posts in batches of 25 spread over `overMs`, as a live source would. */
async function publishOver(count: number, overMs: number): Promise<GeneratedTweet[]> {
  const published: GeneratedTweet[] = [];
  const batches = Math.ceil(count / 25);
  for (let i = 0; i < batches; i++) {
    published.push(...x.publish(Math.min(25, count - published.length)));
    await sleep(overMs / batches);
  }
  return published;
}

const originalOf = (post: GeneratedTweet) =>
  post.tweet.referenced_tweets?.[0]?.type === "retweeted" ? post.referenced?.[0] : undefined;
const wholeOf = (post: GeneratedTweet) => post.tweet.note_tweet?.text ?? post.tweet.text;
function fullTextOf(post: GeneratedTweet): string {
  const original = originalOf(post);
  return original ? `RT @${original.author.username}: ${wholeOf(original)}` : wholeOf(post);
}

it("every post, long, retweeted, quoted or replied, streamed or published during an outage, is in Kinesis once and in the table whole", async () => {
  // Act
  const before = await publishOver(BEFORE, 2_000);
  await expect.poll(() => x.sent.length, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(BEFORE);
  x.faults.networkOutage();
  const during = await publishOver(DURING, OUTAGE_MS);
  x.faults.endNetworkOutage();
  const after = await publishOver(AFTER, 2_000);
  const published = [...before, ...during, ...after];
  // Search never returns retweets (X since May 2026): those published during the outage cannot be recovered.
  const lostRetweets = new Set(during.filter((p) => originalOf(p) !== undefined));
  const delivered = published.filter((p) => !lostRetweets.has(p));
  // Recovery searches with an end_time at least 10 s in the past (X's rule), so the gap fills after that.
  await waitForItems(pipeline, delivered.length, 180_000);
  await sleep(2_000); // anything extra (a duplicate) would land by now

  // Assess: the mix is what the issue asks for.
  const long = published.filter((p) => p.tweet.note_tweet !== undefined && originalOf(p) === undefined);
  const retweetsOfLong = published.filter((p) => originalOf(p)?.tweet.note_tweet !== undefined);
  const kinds = new Set(published.map((p) => p.tweet.referenced_tweets?.[0]?.type));
  expect(long.length / published.length).toBeGreaterThan(0.18);
  expect(retweetsOfLong.length).toBeGreaterThan(10);
  expect(kinds).toEqual(new Set([undefined, "retweeted", "quoted", "replied_to"]));
  expect(x.sent.some((s) => during.some((p) => p.tweet.id === s.id))).toBe(false);
  expect(lostRetweets.size).toBeGreaterThan(5);

  // Kinesis: each post exactly once, v2, full text, X's post as sent, the includes it refers to.
  const events = (await readStreamEvents(pipeline)) as TweetEventV2[];
  const byId = new Map(delivered.map((p) => [p.tweet.id, p]));
  expect(events.map((e) => e.id).sort()).toEqual([...byId.keys()].sort());
  for (const event of events) {
    const post = byId.get(event.id) as GeneratedTweet;
    expect(event.v).toBe(2);
    expect(event.text, `text of ${event.id}`).toBe(fullTextOf(post));
    expect(event.author.username).toBe(post.author.username);
    expect(event.data.note_tweet).toEqual(post.tweet.note_tweet);
    expect(event.data.entities).toEqual(post.tweet.entities);
    expect(event.data.referenced_tweets).toEqual(post.tweet.referenced_tweets);
    for (const referenced of post.referenced ?? []) {
      expect(event.includes?.tweets).toContainEqual(expect.objectContaining({ id: referenced.tweet.id }));
    }
  }
  const recoveredIds = new Set(events.filter((e) => e.recovered).map((e) => e.id));
  for (const post of during.filter((p) => !lostRetweets.has(p))) {
    expect(recoveredIds.has(post.tweet.id), `${post.tweet.id} recovered`).toBe(true);
  }

  // Table: one item per post, full Message, the v2 attributes, Raw as a string.
  const items = await scanItems(pipeline);
  expect(items).toHaveLength(delivered.length);
  const itemById = new Map(items.map((item) => [String(item.Id), item]));
  for (const post of delivered) {
    const { tweet } = post;
    const item = itemById.get(tweet.id) as Record<string, unknown>;
    expect(item, `item ${tweet.id}`).toBeDefined();
    expect(item.Username).toBe(post.author.username);
    expect(item.Message).toBe(fullTextOf(post));
    const own = entitiesOf(tweet as never);
    const original = originalOf(post);
    const more = original ? entitiesOf(original.tweet as never) : { hashtags: [], mentions: [], urls: [] };
    const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
    const expectList = (value: unknown, list: string[]) =>
      list.length > 0 ? expect(value).toEqual(list) : expect(value).toBeUndefined();
    expectList(item.Hashtags, union(own.hashtags, more.hashtags));
    expectList(item.Mentions, union(own.mentions, more.mentions));
    expectList(item.Urls, union(own.urls, more.urls));
    if (tweet.referenced_tweets) {
      expect(item.ReferencedTweets).toEqual(tweet.referenced_tweets.map((r) => ({ Type: r.type, Id: r.id })));
    } else expect(item.ReferencedTweets).toBeUndefined();
    expect(item.ConversationId).toBe(tweet.conversation_id);
    expect(item.InReplyToUserId).toBe(tweet.in_reply_to_user_id);
    expect(item.EditHistoryTweetIds).toEqual(tweet.edit_history_tweet_ids);
    if (tweet.geo?.place_id) expect(item.Geo).toMatchObject({ PlaceId: tweet.geo.place_id });
    // Raw is Binary (processor/README.md, "Encoding"), decoded with the item's Message.
    expect(item.Raw).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(decodeStoredRecord({ B: item.Raw as Uint8Array }, String(item.Message))).data.id).toBe(
      tweet.id,
    );
    expect(item.Recovered).toBe(recoveredIds.has(tweet.id) ? true : undefined);
  }

  // The progress line's figures.
  const progress = await readProgress(pipeline);
  expect(progress.recovered).toBeGreaterThanOrEqual(DURING - lostRetweets.size);
  expect(progress.itemsInTable).toBe(delivered.length);
  console.info(
    `whole tweets e2e: published ${published.length} (long ${long.length}, retweets of long ${retweetsOfLong.length}),` +
      ` published during the ${OUTAGE_MS / 1000} s outage ${DURING} (retweets not recoverable ${lostRetweets.size}), recovered ${progress.recovered},` +
      ` duplicates skipped ${progress.duplicatesSkipped}, in Kinesis ${events.length}, items in table ${items.length}`,
  );
}, 300_000);
