import { expect, it } from "vitest";
import { decodeStoredRecord } from "../../events/stored-record.js";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import type { TweetItem } from "../tweet-item.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import { aggregated, kinesisEvent, plain, tweet } from "./support/records.js";
import { retweetIncludes, tweetV2, V1_ATTRIBUTES } from "./support/v2-records.js";

/** Post `n` as a version of an edited post whose versions are `history` (post numbers, oldest first). */
const version = (n: number, history: readonly number[]) =>
  tweetV2(n, { data: { edit_history_tweet_ids: history.map((h) => tweet(h).id) } });

describeOnEngines("handler with envelope v1 and v2 records", (engine) => {
  let env: ProcessorEnvironment;
  useProcessorEnvironment(engine, (started) => {
    env = started;
  });
  const itemsById = async (): Promise<Map<string, TweetItem>> =>
    new Map((await env.items()).map((item) => [item.Id, item]));

  it("writes a batch mixing v1 and v2 records, plain and aggregated: v2 items carry the new attributes", async () => {
    // Prepare: a long post, a retweet of it, a plain v2 post, and v1 records from a producer not yet upgraded.
    const long = `${"長い投稿 🚀 #aws ".repeat(40)}end`;
    const original = tweetV2(1, {
      text: long,
      data: { text: `${long.slice(0, 270)}…`, note_tweet: { text: long } },
    });
    const retweet = tweetV2(2, {
      text: `RT @${original.author.username}: ${long}`,
      includes: retweetIncludes(original),
      data: { referenced_tweets: [{ type: "retweeted", id: original.id }] },
    });
    // A geotagged post whose data also holds what a DynamoDB map could not: an empty key.
    const placed = tweetV2(5, {
      data: {
        geo: { place_id: "p1", coordinates: { type: "Point", coordinates: [-122.4194, 37.7749] } },
        "": 0,
      },
    });
    const event = kinesisEvent([plain(tweet(3)), plain(original), aggregated([retweet, tweet(4), placed])]);

    // Act
    const response = await env.handler(event, invocation());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const items = await itemsById();
    for (const n of [3, 4]) {
      expect(Object.keys(items.get(tweet(n).id) ?? {}).sort()).toEqual([...V1_ATTRIBUTES].sort());
    }
    expect(items.get(original.id)?.Message).toBe(long);
    expect(items.get(retweet.id)).toMatchObject({
      Message: `RT @${original.author.username}: ${long}`,
      ReferencedTweets: [{ Type: "retweeted", Id: original.id }],
      EditHistoryTweetIds: [retweet.id],
      ConversationId: retweet.id,
    });
    expect(items.get(placed.id)?.Geo).toEqual({ PlaceId: "p1", Coordinates: [-122.4194, 37.7749] });
    for (const v2 of [original, retweet, placed]) {
      const item = items.get(v2.id);
      // Stored as Binary (events/stored-record.ts), not as a map; decoded with the item's own Message.
      expect(item?.Raw).toBeInstanceOf(Uint8Array);
      expect(
        JSON.parse(decodeStoredRecord({ B: item?.Raw ?? new Uint8Array() }, item?.Message ?? "")),
      ).toEqual(v2);
    }
  });

  it("deletes the earlier versions' items when a newer version of an edited post arrives", async () => {
    // Posts 60, 110 and 160 are versions of one post by user10 (n % 50).
    const first = await env.handler(kinesisEvent([plain(version(60, [60]))]), invocation());
    const edited = await env.handler(kinesisEvent([plain(version(110, [60, 110]))]), invocation());
    // Both edits in one batch, the newest first: the middle version is never written.
    const again = await env.handler(
      kinesisEvent([plain(version(210, [60, 110, 160, 210])), plain(version(160, [60, 110, 160]))]),
      invocation(),
    );

    for (const response of [first, edited, again]) expect(response.batchItemFailures).toEqual([]);
    const items = await itemsById();
    expect([60, 110, 160, 210].map((n) => items.has(tweet(n).id))).toEqual([false, false, false, true]);
  });

  it("writes an older version that arrives after the newer one as its own item (documented, not undone)", async () => {
    await env.handler(kinesisEvent([plain(version(260, [70, 260]))]), invocation());
    await env.handler(kinesisEvent([plain(version(70, [70]))]), invocation());

    const items = await itemsById();
    expect(items.has(tweet(70).id)).toBe(true);
    // What a reader or a sweep needs to hide it: the newer item names it as an earlier version.
    expect(items.get(tweet(260).id)?.EditHistoryTweetIds).toContain(tweet(70).id);
  });
});
