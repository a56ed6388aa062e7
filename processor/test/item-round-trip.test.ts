import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TweetEventV2, tweetEventV2Schema } from "../../events/index.js";
import { decodeItem } from "../decode-item.js";
import { toAttributeValues } from "../item-attributes.js";
import { toTweetItem } from "../tweet-item.js";

const postId = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
const text = fc.string({ unit: "grapheme", maxLength: 400 });
const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
const username = fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/);

/** Any v2 post: plain, long (`note_tweet`), or a retweet whose Message is `RT @name: ` and the original. */
const post: fc.Arbitrary<TweetEventV2> = fc
  .record({
    id: postId,
    own: text,
    original: text,
    kind: fc.constantFrom("plain", "long", "retweet"),
    author: fc.record({ id: postId, username, name: text }),
    originalAuthor: username,
    extra,
    geo: fc.option(fc.record({ place_id: fc.string({ minLength: 1, maxLength: 8 }) }), { nil: undefined }),
  })
  .map(({ id, own, original, kind, author, originalAuthor, extra, geo }) => {
    const message = kind === "retweet" ? `RT @${originalAuthor}: ${original}` : own;
    const data: Record<string, unknown> = { ...extra, id, text: message.slice(0, 140) };
    if (kind === "long") data.note_tweet = { text: message };
    if (geo) data.geo = geo;
    if (kind === "retweet") data.referenced_tweets = [{ type: "retweeted", id: "7" }];
    const includes =
      kind === "retweet"
        ? {
            tweets: [{ id: "7", text: original, author_id: "8" }],
            users: [{ id: "8", username: originalAuthor }],
          }
        : undefined;
    return tweetEventV2Schema.parse({
      v: 2,
      id,
      text: message,
      createdAt: "2026-12-01T00:00:00.000Z",
      author,
      receivedAt: "2026-12-01T00:00:01.000Z",
      data,
      ...(includes ? { includes } : {}),
    });
  });

describe("an item round trip", () => {
  it("any post -> item -> DynamoDB's wire format -> decodeItem gives back the record byte for byte and every attribute", () => {
    fc.assert(
      fc.property(post, fc.boolean(), (event, spaced) => {
        // The record as the producer serialized it, or with spacing of another producer's choosing.
        const json = spaced ? JSON.stringify(event, null, 1) : JSON.stringify(event);
        const item = toTweetItem(event, "2026-12-01T00:00:02.000Z", () => json);

        const decoded = decodeItem(toAttributeValues(item));

        expect(decoded.Raw).toBe(json);
        const { Raw: _encoded, ...attributes } = item;
        expect({ ...decoded, Raw: undefined }).toEqual({ ...attributes, Raw: undefined });
      }),
      { numRuns: 400 },
    );
  });

  it("decodes an item written before the encoding (Raw a String) the same way", () => {
    const wire = { Username: { S: "ada" }, Id: { S: "1" }, Message: { S: "hi" }, Raw: { S: '{"v":2}' } };
    expect(decodeItem(wire)).toEqual({ Username: "ada", Id: "1", Message: "hi", Raw: '{"v":2}' });
  });
});
