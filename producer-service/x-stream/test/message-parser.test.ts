import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_X_FIELDS, tweetEventSchema, xFieldsQuery } from "../../../events/index.js";
import {
  createTweetGenerator,
  parseProjection,
  RICH_MIX,
  renderPost,
} from "../../../local/x-emulator/index.js";
import { MAX_ENVELOPE_BYTES } from "../envelope.js";
import { parseStreamMessage } from "../message-parser.js";

const RECEIVED_AT = "2025-01-01T00:00:01.000Z";
const author = { id: "42", name: "Ada 🐛", username: "ada" };
const DATA = {
  id: "1874244142503038987",
  text: "東京は雨☔",
  created_at: "2025-01-01T00:00:00.000Z",
  lang: "ja",
  author_id: "42",
};
const message = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    data: DATA,
    includes: { users: [{ id: "7", name: "Other", username: "other" }, author] },
    matching_rules: [{ id: "1800000000000000000", tag: "weather" }],
    ...overrides,
  });

describe("parseStreamMessage", () => {
  it("maps an X message to the v2 envelope: the v1 fields, data as received, the author from includes.users", () => {
    expect(parseStreamMessage(message(), RECEIVED_AT)).toEqual({
      kind: "tweet",
      includesDropped: false,
      event: {
        v: 2,
        id: "1874244142503038987",
        text: "東京は雨☔",
        createdAt: "2025-01-01T00:00:00.000Z",
        author: { id: "42", username: "ada", name: "Ada 🐛" },
        lang: "ja",
        matchingRules: [{ id: "1800000000000000000", tag: "weather" }],
        receivedAt: RECEIVED_AT,
        data: DATA,
        // Only the include objects this post references: user 7 is not its author.
        includes: { users: [author] },
      },
    });
  });

  it("leaves out lang and matching rules when X does not send them (sample stream)", () => {
    const parsed = parseStreamMessage(
      JSON.stringify({
        data: { id: "5", text: "hi", created_at: "2025-01-01T00:00:00.000Z", author_id: "42" },
        includes: { users: [author] },
      }),
      RECEIVED_AT,
    );
    expect(parsed.kind === "tweet" && Object.keys(parsed.event)).toEqual([
      "v",
      "id",
      "text",
      "createdAt",
      "author",
      "receivedAt",
      "data",
      "includes",
    ]);
  });

  it("takes a long post's whole text from note_tweet, keeping data as received", () => {
    const whole = `${"長い".repeat(200)}🐛 end`;
    const data = { ...DATA, text: whole.slice(0, 280), note_tweet: { text: whole } };
    const parsed = parseStreamMessage(message({ data }), RECEIVED_AT);
    expect(parsed.kind === "tweet" && parsed.event.text).toBe(whole);
    expect(parsed.kind === "tweet" && parsed.event.data).toEqual(data);
  });

  it("rebuilds a retweet's text from the original in includes, with the original and its author", () => {
    const original = { id: "77", text: "cut", note_tweet: { text: "the whole original" }, author_id: "9" };
    const originalAuthor = { id: "9", name: "Orig", username: "orig" };
    const parsed = parseStreamMessage(
      message({
        data: { ...DATA, text: "RT @orig: cut", referenced_tweets: [{ type: "retweeted", id: "77" }] },
        includes: {
          users: [author, originalAuthor, { id: "8", name: "No", username: "no" }],
          tweets: [original],
        },
      }),
      RECEIVED_AT,
    );
    if (parsed.kind !== "tweet") throw new Error("not a tweet");
    expect(parsed.event.text).toBe("RT @orig: the whole original");
    expect(parsed.event.includes).toEqual({ users: [author, originalAuthor], tweets: [original] });
  });

  it("drops the includes, never the post, when they would push the record over Kinesis' 1 MiB", () => {
    const huge = { ...author, description: "🐛".repeat(300_000) };
    const parsed = parseStreamMessage(message({ includes: { users: [huge] } }), RECEIVED_AT);
    if (parsed.kind !== "tweet") throw new Error("not a tweet");
    expect(parsed.includesDropped).toBe(true);
    expect(parsed.event.includesDropped).toBe(true);
    expect(parsed.event.includes).toBeUndefined();
    expect(parsed.event.author).toEqual(author);
    expect(Buffer.byteLength(JSON.stringify(parsed.event))).toBeLessThan(MAX_ENVELOPE_BYTES);
    // Just under the limit, they stay.
    const large = { ...author, description: "🐛".repeat(200_000) };
    const kept = parseStreamMessage(message({ includes: { users: [large] } }), RECEIVED_AT);
    expect(kept.kind === "tweet" && kept.event.includes).toEqual({ users: [large] });
  });

  it("drops a tweet whose author is missing from includes, naming the author and the tweet", () => {
    expect(parseStreamMessage(message({ includes: { users: [] } }), RECEIVED_AT)).toEqual({
      kind: "dropped",
      reason: "author-missing",
      detail: "author 42 is not in includes.users",
      tweetId: "1874244142503038987",
    });
  });

  it.each([
    ["not JSON", '{"data":{"id":"1","text":"trunc', "malformed-json"],
    ["a JSON array", "[1,2]", "not-a-tweet"],
    ["neither data nor errors", '{"meta":{}}', "not-a-tweet"],
    [
      "a numeric id",
      message({ data: { id: 1, text: "x", created_at: "2025-01-01T00:00:00Z", author_id: "42" } }),
      "invalid-tweet",
    ],
    ["no created_at", message({ data: { id: "1", text: "x", author_id: "42" } }), "invalid-tweet"],
    ["a broken matching_rules", message({ matching_rules: [{ tag: "no id" }] }), "invalid-tweet"],
  ])("drops %s with reason %s", (_, line, reason) => {
    const parsed = parseStreamMessage(line, RECEIVED_AT);
    expect(parsed).toMatchObject({ kind: "dropped", reason });
  });

  it.each([
    ["cut inside the text", '{"data":{"id":"1","text":"SECRET-MARKER'],
    ["a word after the object", '{"data":{"id":"1","text":"x"} SECRET-MARKER'],
    ["a bare word", "SECRET-MARKER"],
    ["an unquoted key", '{"data":{"id":"1","text":"x", SECRET-MARKER: 1}}'],
  ])("a malformed line (%s) is described without quoting it", (_, line) => {
    const parsed = parseStreamMessage(line, RECEIVED_AT);
    expect(parsed).toMatchObject({ kind: "dropped", reason: "malformed-json" });
    const detail = (parsed as { detail: string }).detail;
    expect(detail).toContain(`(of ${line.length} characters)`);
    expect(detail).not.toContain("SECRET");
    expect(detail).not.toContain("MARKER");
  });

  it("recognizes X's operational-disconnect message", () => {
    const line = JSON.stringify({
      errors: [
        {
          title: "operational-disconnect",
          disconnect_type: "UpstreamOperationalDisconnect",
          detail: "This stream has been disconnected upstream for operational reasons.",
          type: "https://api.twitter.com/2/problems/operational-disconnect",
        },
      ],
    });
    expect(parseStreamMessage(line, RECEIVED_AT)).toEqual({
      kind: "operational-disconnect",
      detail: "operational-disconnect: This stream has been disconnected upstream for operational reasons.",
    });
  });

  it("reports other in-stream errors without data as stream errors", () => {
    const line = JSON.stringify({ errors: [{ title: "ConnectionException", detail: "too slow" }] });
    expect(parseStreamMessage(line, RECEIVED_AT)).toEqual({
      kind: "stream-error",
      detail: "ConnectionException: too slow",
    });
  });

  it("still takes the tweet of a message carrying both data and errors", () => {
    const parsed = parseStreamMessage(message({ errors: [{ title: "Partial" }] }), RECEIVED_AT);
    expect(parsed.kind).toBe("tweet");
  });

  it("property: every generated tweet becomes an event that satisfies tweetEventSchema", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const { tweet, author: user } = createTweetGenerator({ seed }).next();
        const line = JSON.stringify({
          data: {
            id: tweet.id,
            text: tweet.text,
            created_at: tweet.created_at,
            lang: tweet.lang,
            author_id: user.id,
          },
          includes: { users: [user] },
          matching_rules: [{ id: "1", tag: "t" }],
        });
        const parsed = parseStreamMessage(line, new Date().toISOString());
        if (parsed.kind !== "tweet") throw new Error(`not a tweet: ${JSON.stringify(parsed)}`);
        expect(tweetEventSchema.parse(parsed.event)).toEqual(parsed.event);
        expect(parsed.event.text).toBe(tweet.text);
      }),
      { numRuns: 200 },
    );
  });

  it("property: near-valid messages with arbitrary field values never yield an event the schema refuses", () => {
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, anything, fc.constant(undefined));
    const timestamp = fc.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)$/);
    const arbitraryMessage = fc.record({
      data: fc.record({
        id: maybe(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)),
        text: maybe(fc.string()),
        created_at: maybe(timestamp),
        lang: maybe(fc.constantFrom("en", "ja")),
        author_id: maybe(fc.constant("42")),
      }),
      includes: maybe(
        fc.record({
          users: maybe(
            fc.array(fc.record({ id: maybe(fc.constant("42")), username: anything, name: anything })),
          ),
        }),
      ),
      matching_rules: maybe(fc.array(fc.record({ id: anything, tag: maybe(fc.string()) }))),
    });
    fc.assert(
      fc.property(arbitraryMessage, (m) => {
        const parsed = parseStreamMessage(JSON.stringify(m), RECEIVED_AT);
        if (parsed.kind === "tweet") expect(tweetEventSchema.safeParse(parsed.event).error).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("property: every post the emulator renders for the producer's request becomes a valid v2 event with its whole text", () => {
    const projection = parseProjection(new URLSearchParams(xFieldsQuery(DEFAULT_X_FIELDS)));
    if ("title" in projection) throw new Error(projection.detail);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const generator = createTweetGenerator({ seed, mix: RICH_MIX });
        for (let i = 0; i < 8; i++) {
          const post = generator.next();
          const line = JSON.stringify({ ...renderPost(post, projection), matching_rules: [{ id: "1" }] });
          const parsed = parseStreamMessage(line, RECEIVED_AT);
          if (parsed.kind !== "tweet") throw new Error(`not a tweet: ${JSON.stringify(parsed)}`);
          expect(tweetEventSchema.parse(parsed.event)).toEqual(parsed.event);
          const { tweet } = post;
          if (tweet.referenced_tweets?.[0]?.type !== "retweeted")
            expect(parsed.event.text).toBe(tweet.note_tweet?.text ?? tweet.text);
          else expect(parsed.event.text).toMatch(/^RT @[A-Za-z0-9_]+: /);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("property: includes of any shape never throw, and never yield an event the schema refuses", () => {
    const anything = fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue()), fc.constant([null]));
    fc.assert(
      fc.property(
        fc.record({ users: anything, tweets: anything, media: anything, places: anything, polls: anything }),
        (extra) => {
          const includes = {
            ...extra,
            users: Array.isArray(extra.users) ? [author, ...extra.users] : extra.users,
          };
          const data = {
            ...DATA,
            referenced_tweets: [{ type: "retweeted", id: "5" }],
            attachments: { media_keys: ["k"] },
          };
          const parsed = parseStreamMessage(message({ data, includes }), RECEIVED_AT);
          if (parsed.kind === "tweet") expect(tweetEventSchema.safeParse(parsed.event).error).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: arbitrary JSON never throws and never yields an event the schema refuses", () => {
    fc.assert(
      fc.property(fc.json(), (line) => {
        const parsed = parseStreamMessage(line, RECEIVED_AT);
        if (parsed.kind === "tweet") expect(tweetEventSchema.safeParse(parsed.event).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
