import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregate, decodeBase64, decodeEvent, decodeRecordData, encodeEvent } from "../index.js";
import { sampleEvent } from "./fixtures.js";

const b64 = (data: Uint8Array | string) => Buffer.from(data).toString("base64");

describe("encodeEvent / decodeEvent", () => {
  it("round-trips an event, multi-byte text included", () => {
    // Prepare
    const event = sampleEvent();

    // Act
    const decoded = decodeEvent(encodeEvent(event));

    // Assess
    expect(decoded).toEqual({ ok: true, value: event });
  });

  it("keeps unknown fields for forward compatibility", () => {
    const bytes = Buffer.from(
      JSON.stringify({
        ...sampleEvent(),
        geo: { place: "x" },
        author: { ...sampleEvent().author, verified: true },
      }),
    );

    const decoded = decodeEvent(bytes);

    expect(decoded.ok && decoded.value).toMatchObject({ geo: { place: "x" }, author: { verified: true } });
  });

  it("accepts an event without the optional lang and matchingRules", () => {
    const { lang: _lang, matchingRules: _rules, ...minimal } = sampleEvent();

    expect(decodeEvent(Buffer.from(JSON.stringify(minimal))).ok).toBe(true);
  });

  it("names the field path of a schema violation", () => {
    const bytes = Buffer.from(JSON.stringify({ ...sampleEvent(), author: { id: "42", name: "x" } }));

    const decoded = decodeEvent(bytes);

    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.kind).toBe("schema");
    expect(decoded.error.path).toBe("author.username");
    expect(decoded.error.message).toContain("author.username");
  });

  it.each([
    ["an unknown version", { v: 3 }, "v"],
    ["a v2 envelope without the post as received", { v: 2 }, "data"],
    ["a v2 envelope whose post has no id", { v: 2, data: { text: "t" } }, "data.id"],
    ["a numeric id", { id: 17 }, "id"],
    ["a non-decimal id", { id: "12a" }, "id"],
    ["a date that is not ISO-8601", { createdAt: "yesterday" }, "createdAt"],
    ["a missing receivedAt", { receivedAt: undefined }, "receivedAt"],
  ])("rejects %s", (_name, patch, path) => {
    const bytes = Buffer.from(JSON.stringify({ ...sampleEvent(), ...patch }));

    const decoded = decodeEvent(bytes);

    expect(decoded.ok ? "accepted" : [decoded.error.kind, decoded.error.path]).toEqual(["schema", path]);
  });

  it("reads v1 and v2 envelopes, keeping v2's post, includes and flags as sent", () => {
    const v2 = {
      ...sampleEvent(),
      v: 2,
      data: { id: "1790000000000000001", text: "cut…", note_tweet: { text: "whole" }, extra: [1] },
      includes: { users: [{ id: "42", username: "ada", name: "Ada Lovelace" }], future: true },
      recovered: true,
    };
    for (const event of [sampleEvent(), v2]) {
      const decoded = decodeEvent(Buffer.from(JSON.stringify(event)));
      expect(decoded.ok && decoded.value).toEqual(event);
    }
  });

  it("rejects bytes that are not UTF-8", () => {
    const decoded = decodeEvent(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("not-utf8");
  });

  it("rejects UTF-8 that is not JSON", () => {
    const decoded = decodeEvent(Buffer.from("{not json"));

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("not-json");
  });
});

describe("decodeRecordData", () => {
  it("decodes a plain record as one user record", () => {
    const event = sampleEvent();

    const decoded = decodeRecordData(b64(encodeEvent(event)));

    expect(decoded.ok && decoded.value.map((u) => u.result)).toEqual([{ ok: true, value: event }]);
  });

  it("decodes an aggregate into its user records, in order, each judged on its own", () => {
    const good = sampleEvent({ id: "1" });
    const other = sampleEvent({ id: "2", text: "second" });
    const data = aggregate([
      { partitionKey: "a", data: encodeEvent(good) },
      { partitionKey: "b", data: Buffer.from("{broken") },
      { partitionKey: "a", data: encodeEvent(other) },
    ]);

    const decoded = decodeRecordData(b64(data));

    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.map((u) => [u.subSequenceNumber, u.result.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(Buffer.from(decoded.value[1]?.data ?? []).toString()).toBe("{broken");
  });

  it.each(["not base64!", "abc", "YWJj=", "Y W J j", "YW-j", "YW_j", "\u0141WJj", "YQ==YQ=="])(
    "rejects %j as not base64",
    (data) => {
      const decoded = decodeRecordData(data);

      expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("not-base64");
    },
  );

  it("rejects an aggregate whose checksum does not match", () => {
    const data = aggregate([{ partitionKey: "a", data: encodeEvent(sampleEvent()) }]);
    data[10] = (data[10] ?? 0) ^ 0xff;

    const decoded = decodeRecordData(b64(data));

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("aggregate-checksum");
  });
});

describe("decodeBase64", () => {
  // The definition of valid: standard alphabet, padded, as Kinesis delivers it.
  const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // The alphabet, padding, and what Buffer.from(s, "base64") would skip or misread: URL-safe characters,
  // whitespace, and characters whose low byte is in the alphabet (U+0141 reads as "A").
  const nearBase64 = fc.string({
    unit: fc.constantFrom(...alphabet, "=", "=", "-", "_", " ", "\n", "\u0141", "\u00e9", "!"),
    maxLength: 24,
  });
  // Encodings of random bytes, one character changed, so valid-looking strings of every length come up.
  const mutatedEncoding = fc
    .tuple(
      fc.uint8Array({ maxLength: 18 }),
      fc.nat(),
      nearBase64.filter((s) => s.length > 0),
    )
    .map(([bytes, at, insert]) => {
      const text = Buffer.from(bytes).toString("base64");
      const i = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, i) + (insert[0] ?? "") + text.slice(i + 1);
    });

  it("accepts exactly what the strict base64 pattern accepts, decoding it as Buffer does", () => {
    fc.assert(
      fc.property(fc.oneof(nearBase64, mutatedEncoding), (text) => {
        const decoded = decodeBase64(text);

        expect(decoded.ok).toBe(STRICT_BASE64.test(text));
        if (decoded.ok) expect(decoded.value).toEqual(Buffer.from(text, "base64"));
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts non-zero trailing bits, which re-encode differently but are valid base64", () => {
    const decoded = decodeBase64("YR==");

    expect(decoded.ok ? [...decoded.value] : decoded.error.kind).toEqual([0x61]);
  });
});
