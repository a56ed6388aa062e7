import { inflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oneShotDeflate, reusedDeflate } from "../raw-deflate.js";
import {
  DICTIONARY,
  decodeStoredRecord,
  encodeStoredRecord,
  STORED_RECORD_FORMAT,
  withoutMessage,
  withoutMessageBytes,
} from "../stored-record.js";

const anyText = fc.string({ unit: "binary", maxLength: 300 });

describe("the stored record (Raw)", () => {
  it("decodes to the very string encoded, for any string and any Message, control characters included", () => {
    fc.assert(
      fc.property(anyText, anyText, (json, message) => {
        expect(decodeStoredRecord({ B: encodeStoredRecord(json, message) }, message)).toBe(json);
      }),
      { numRuns: 500 },
    );
  });

  it("replaces the Message and a retweet's original inside the record, wherever they occur", () => {
    fc.assert(
      fc.property(
        anyText,
        fc.array(fc.constantFrom("a", "b", "m", "o"), { maxLength: 12 }),
        (text, parts) => {
          const message = `RT @ada: ${text}🚀 and a few more words`;
          const pieces = {
            a: '{"x":',
            b: "}",
            m: JSON.stringify(message),
            o: JSON.stringify(message.slice(9)),
          };
          const json = parts.map((part) => pieces[part as keyof typeof pieces]).join("");
          expect(decodeStoredRecord({ B: encodeStoredRecord(json, message) }, message)).toBe(json);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("replaces on the record's bytes exactly as on its text, and encodes bytes as it encodes the text", () => {
    const message = fc.oneof(
      anyText,
      anyText.map((text) => `RT @ada_1: ${text} and more words`),
    );
    fc.assert(
      fc.property(
        anyText,
        message,
        fc.array(fc.constantFrom("j", "m", "o", "c"), { maxLength: 10 }),
        (text, m, parts) => {
          const pieces = { j: text, m: JSON.stringify(m), o: JSON.stringify(m.slice(11)), c: "\u0001" };
          const json = parts.map((part) => pieces[part as keyof typeof pieces]).join("");
          const bytes = Buffer.from(json, "utf8");
          const fromText = withoutMessage(json, m);
          const fromBytes = withoutMessageBytes(bytes, m);
          expect(fromBytes === undefined ? undefined : Buffer.from(fromBytes).toString("utf8")).toBe(
            fromText,
          );
          expect(decodeStoredRecord({ B: encodeStoredRecord(bytes, m) }, m)).toBe(json);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("reuses one compressor whose streams inflate as the one-shot's do, input after input", () => {
    const reused = reusedDeflate(6, DICTIONARY);
    const oneShot = oneShotDeflate(6, DICTIONARY);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), anyText, (noise, text) => {
        for (const input of [noise, Buffer.from(text.repeat(20)), new Uint8Array()]) {
          for (const deflate of [reused, oneShot]) {
            const out = deflate(input, 7);
            expect(out[0]).toBe(7);
            expect(
              inflateRawSync(out.subarray(1), { dictionary: DICTIONARY }).equals(Buffer.from(input)),
            ).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it("stores a record holding the replacement characters unreplaced (format 2), and reads items written before as they are", () => {
    const json = "not JSON \u0000 \u0001 but kept";
    const stored = encodeStoredRecord(json, "but kept and more");
    expect(stored[0]).toBe(STORED_RECORD_FORMAT.plain);
    expect(decodeStoredRecord({ B: stored }, "but kept and more")).toBe(json);
    expect(decodeStoredRecord({ S: '{"v":2}' }, "anything")).toBe('{"v":2}');
  });

  it("keeps a long text out of the stored bytes: they hold a reference to Message", () => {
    const message = "長い投稿 🚀 ".repeat(400);
    const json = JSON.stringify({
      v: 2,
      text: message,
      data: { text: message.slice(0, 280), note_tweet: { text: message } },
    });
    expect(Buffer.byteLength(json)).toBeGreaterThan(10_000);
    expect(encodeStoredRecord(json, message).length).toBeLessThan(200);
  });

  it("names an unknown format instead of returning garbage", () => {
    expect(() => decodeStoredRecord({ B: Uint8Array.of(9, 1, 2) }, "")).toThrow(
      /unknown stored-record format 9/,
    );
  });
});
