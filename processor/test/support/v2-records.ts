import type { TweetEventV2, XIncludes, XObject } from "../../../events/index.js";
import type { TweetItem } from "../../tweet-item.js";
import { tweet } from "./records.js";

/** The attributes an item had before envelope v2 (all a v1 record gets). */
export const V1_ATTRIBUTES: (keyof TweetItem)[] = [
  "Username",
  "Id",
  "Timestamp",
  "Message",
  "AuthorId",
  "AuthorName",
  "Lang",
  "MatchingRules",
  "ReceivedAt",
  "ProcessedAt",
];

type EnvelopeField =
  | "id"
  | "text"
  | "author"
  | "lang"
  | "matchingRules"
  | "includes"
  | "includesDropped"
  | "recovered";

/**
 * Post `n` in envelope v2, as the producer writes it: the v1 fields of `tweet(n)`, X's post object with the
 * usual fields (entities, conversation, a one-id edit history) and its author in the includes. `data` and
 * the other fields given replace the defaults (`data` field by field).
 */
export function tweetV2(
  n: number,
  overrides: Partial<Pick<TweetEventV2, EnvelopeField>> & { data?: XObject } = {},
): TweetEventV2 {
  const v1 = tweet(n);
  const { data, ...rest } = overrides;
  const id = rest.id ?? v1.id;
  const text = rest.text ?? v1.text;
  return {
    ...v1,
    v: 2,
    data: {
      id,
      text,
      author_id: v1.author.id,
      created_at: v1.createdAt,
      lang: "en",
      conversation_id: id,
      edit_history_tweet_ids: [id],
      entities: {
        hashtags: [{ start: 0, end: 4, tag: "aws" }],
        mentions: [{ start: 5, end: 10, username: "ada", id: "42" }],
        urls: [{ start: 11, end: 34, url: "https://t.co/abc", expanded_url: "https://example.com/a" }],
      },
      ...data,
    } as TweetEventV2["data"],
    includes: { users: [{ id: v1.author.id, username: v1.author.username, name: v1.author.name }] },
    ...rest,
  };
}

/** The includes of a retweet of `original` by someone else. */
export function retweetIncludes(original: TweetEventV2): XIncludes {
  return {
    tweets: [original.data],
    users: [{ id: original.author.id, username: original.author.username, name: original.author.name }],
  };
}
