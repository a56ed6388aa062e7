import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tweetEventV1Schema } from "../../events/index.js";
import { decodeStoredRecord } from "../../events/stored-record.js";
import { earlierVersionIds } from "../edits.js";
import { itemSize } from "../item-attributes.js";
import { checkItemLimits, MAX_ITEM_BYTES } from "../item-limits.js";
import { type TweetItem, toTweetItem } from "../tweet-item.js";
import { tweet } from "./support/records.js";
import { retweetIncludes, tweetV2, V1_ATTRIBUTES } from "./support/v2-records.js";

const PROCESSED_AT = "2026-11-25T12:00:05.000Z";
/** The record in the item's Raw, decoded. */
const recordOf = (item: TweetItem) =>
  JSON.parse(decodeStoredRecord({ B: item.Raw ?? new Uint8Array() }, item.Message));
/** Text that deflate cannot shrink much (random base64: about 3/4 of its length after compression). */
const incompressible = (chars: number) =>
  randomBytes(Math.ceil((chars * 3) / 4))
    .toString("base64")
    .slice(0, chars);

describe("toTweetItem with envelope v2", () => {
  it("keeps the full text, the entities, references, conversation, edit history, geo and Raw", () => {
    const long = `${"長い投稿 🚀 ".repeat(60)}end`;
    const event = tweetV2(1, {
      text: long,
      recovered: true,
      data: {
        text: `${long.slice(0, 270)}…`,
        note_tweet: { text: long, entities: { hashtags: [{ start: 0, end: 4, tag: "long" }] } },
        referenced_tweets: [{ type: "replied_to", id: "77" }],
        conversation_id: "70",
        in_reply_to_user_id: "42",
        edit_history_tweet_ids: ["1789999999999999990", tweet(1).id],
        geo: { place_id: "p1", coordinates: { type: "Point", coordinates: [-122.4, 37.8] } },
      },
    });

    const item = toTweetItem(event, PROCESSED_AT);

    expect(item).toMatchObject({
      Message: long,
      Hashtags: ["long"],
      ReferencedTweets: [{ Type: "replied_to", Id: "77" }],
      ConversationId: "70",
      InReplyToUserId: "42",
      EditHistoryTweetIds: ["1789999999999999990", tweet(1).id],
      Geo: { PlaceId: "p1", Coordinates: [-122.4, 37.8] },
      Recovered: true,
    });
    expect(item.Raw).toBeInstanceOf(Uint8Array);
    expect(recordOf(item)).toEqual(event);
    expect(item).not.toHaveProperty("RawOmitted");
  });

  it("takes hashtags, mentions and expanded URLs from the post's entities, without repeats", () => {
    const item = toTweetItem(tweetV2(2), PROCESSED_AT);

    expect(item).toMatchObject({ Hashtags: ["aws"], Mentions: ["ada"], Urls: ["https://example.com/a"] });
  });

  it("adds a retweet's original entities, since Message holds the original in full", () => {
    const original = tweetV2(3, {
      data: { entities: { hashtags: [{ start: 0, end: 5, tag: "orig" }] } },
    });
    const retweet = tweetV2(4, {
      text: `RT @${original.author.username}: ${original.text}`,
      includes: retweetIncludes(original),
      data: {
        referenced_tweets: [{ type: "retweeted", id: original.id }],
        entities: { mentions: [{ start: 3, end: 9, username: original.author.username }] },
      },
    });

    const item = toTweetItem(retweet, PROCESSED_AT);

    expect(item.Hashtags).toEqual(["orig"]);
    expect(item.Mentions).toEqual([original.author.username]);
    expect(item.ReferencedTweets).toEqual([{ Type: "retweeted", Id: original.id }]);
  });

  it("leaves out what the post does not have; a v1 record gets none of the new attributes", () => {
    const bare = tweetV2(5, {
      data: { entities: undefined, conversation_id: undefined, edit_history_tweet_ids: [] },
    });

    expect(Object.keys(toTweetItem(bare, PROCESSED_AT)).sort()).toEqual([...V1_ATTRIBUTES, "Raw"].sort());
    expect(Object.keys(toTweetItem(tweet(5), PROCESSED_AT)).sort()).toEqual([...V1_ATTRIBUTES].sort());
  });
});

describe("Raw within DynamoDB's 400 KB", () => {
  const bigIncludes = { tweets: [{ id: "9", text: incompressible(MAX_ITEM_BYTES * 1.5) }] };

  it("drops the includes from Raw first, marking RawOmitted: includes", () => {
    const event = tweetV2(6, { includes: bigIncludes });

    const item = toTweetItem(event, PROCESSED_AT);

    expect(item.RawOmitted).toBe("includes");
    const { includes: _dropped, ...withoutIncludes } = event;
    expect(recordOf(item)).toEqual(withoutIncludes);
    expect(itemSize(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    expect(checkItemLimits(item)).toBeUndefined();
  });

  it("then leaves Raw out, marking RawOmitted: envelope, and keeps the post's own attributes", () => {
    // Raw holds no copy of Message, so what cannot fit beside a 250 KB Message is 260 KB of other fields.
    const text = incompressible(250_000);
    const event = tweetV2(7, { text, includes: bigIncludes, data: { text, extra: incompressible(260_000) } });

    const item = toTweetItem(event, PROCESSED_AT);

    expect(item.RawOmitted).toBe("envelope");
    expect(item).not.toHaveProperty("Raw");
    expect(item.Message).toBe(text);
    expect(checkItemLimits(item)).toBeUndefined();
  });
});

describe("earlierVersionIds", () => {
  it("lists the ids in the edit history below the post's own, wherever X puts them", () => {
    const item = toTweetItem(
      tweetV2(8, { data: { edit_history_tweet_ids: ["100", "300", tweet(8).id, "200", "not an id"] } }),
      PROCESSED_AT,
    );

    expect(earlierVersionIds(item)).toEqual(["100", "300", "200"]);
  });

  it("has none for a post never edited, or one that is itself the oldest version", () => {
    expect(earlierVersionIds(toTweetItem(tweetV2(9), PROCESSED_AT))).toEqual([]);
    const oldest = toTweetItem(
      tweetV2(10, { data: { edit_history_tweet_ids: [tweet(10).id, "9".repeat(19)] } }),
      PROCESSED_AT,
    );
    expect(earlierVersionIds(oldest)).toEqual([]);
  });
});

describe("deploy order (infra/README.md, Upgrading)", () => {
  it("a reader of v1 only rejects a v2 record at `v`: the processor must be deployed before the producer", () => {
    const parsed = tweetEventV1Schema.safeParse(tweetV2(11));

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(["v"]);
  });
});
