import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { decodeStoredRecord, encodeStoredRecord, STORED_RECORD_FORMAT } from "../../events/stored-record.js";
import { type IncludesPrune, prunedRaw } from "../references.js";

// The record-level half of issue 19 item 8: what goes from an item's includes, in the form Raw is stored.
const prune = (p: Partial<Record<keyof IncludesPrune, string[]>>): IncludesPrune => ({
  posts: new Set(p.posts),
  users: new Set(p.users),
  geo: new Set(p.geo),
});
const binaryItem = (record: string, message: string): Record<string, AttributeValue> => ({
  Raw: { B: encodeStoredRecord(record, message) },
  Message: { S: message },
});
const decoded = (raw: AttributeValue | undefined, message: string) =>
  JSON.parse(decodeStoredRecord({ B: raw?.B ?? new Uint8Array() }, message));

describe("prunedRaw", () => {
  it("removes a geo-scrubbed referenced post's place unless the post or another reference still points at it", () => {
    const record = JSON.stringify({
      v: 2,
      data: { id: "1", text: "hi", geo: { place_id: "p0" } },
      includes: {
        tweets: [
          { id: "900", geo: { place_id: "p1" } },
          { id: "901", geo: { place_id: "p2" } },
          { id: "902", geo: { place_id: "p2" } },
          { id: "903", geo: { place_id: "p0" } },
        ],
        places: [{ id: "p0" }, { id: "p1" }, { id: "p2" }],
      },
    });

    const raw = prunedRaw(binaryItem(record, "hi"), prune({ geo: ["900", "901", "903"] }));

    const { includes } = decoded(raw, "hi");
    expect(includes.tweets).toEqual([
      { id: "900" },
      { id: "901" },
      { id: "902", geo: { place_id: "p2" } },
      { id: "903" },
    ]);
    // p1 went with 900's geo; p2 is still 902's, p0 the post's own.
    expect(includes.places).toEqual([{ id: "p0" }, { id: "p2" }]);
  });

  it("keeps a retweet's text substituted in the Binary encoding when its original is pruned", () => {
    const original = "the original post, long enough for the encoding to substitute it with a marker";
    const message = `RT @zed: ${original}`;
    const record = JSON.stringify({
      v: 2,
      text: message,
      data: { id: "1", text: message.slice(0, 40), referenced_tweets: [{ type: "retweeted", id: "900" }] },
      includes: { tweets: [{ id: "900", author_id: "9", text: original }], users: [{ id: "9" }] },
    });
    const item = binaryItem(record, message);
    expect(item.Raw?.B?.[0]).toBe(STORED_RECORD_FORMAT.substituted);

    const raw = prunedRaw(item, prune({ posts: ["900"] }));

    expect(raw?.B?.[0]).toBe(STORED_RECORD_FORMAT.substituted);
    const envelope = decoded(raw, message);
    expect(envelope.text).toBe(message);
    expect(envelope.includes).toEqual({ tweets: [], users: [{ id: "9" }] });
  });

  it("re-encodes a record X sent with unicode escapes, its text intact", () => {
    const message = 'café 東京 🚀 "quoted" and a\nnewline, long enough to be worth substituting';
    // As X sends it: non-ASCII as \u escapes, which the Message (decoded text) does not match byte for byte.
    const escaped = JSON.stringify({
      v: 2,
      text: message,
      data: { id: "1", text: message },
      includes: { tweets: [{ id: "900", text: "x" }], users: [{ id: "9" }] },
    }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    expect(escaped).toContain("\\u00e9");

    const raw = prunedRaw(binaryItem(escaped, message), prune({ posts: ["900"] }));

    const envelope = decoded(raw, message);
    expect(envelope.text).toBe(message);
    expect(envelope.data.text).toBe(message);
    expect(envelope.includes.tweets).toEqual([]);
  });
});
