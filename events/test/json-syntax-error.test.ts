import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KNOWN_JSON_SYNTAX_DESCRIPTIONS, UNKNOWN_JSON_SYNTAX_ERROR } from "../json-syntax-error.js";
import { decodeEvent } from "../record-codec.js";

// Everything a not-json reason may say: one of V8's fixed descriptions (or the fallback), a position, a length.
const SHAPE = /^record is not JSON: (.+?)(?: at position \d+)? \(of \d+ characters\)$/;

const notJson = (text: string) => {
  const decoded = decodeEvent(Buffer.from(text, "utf8"));
  if (decoded.ok || decoded.error.kind !== "not-json") throw new Error(`expected not-json for ${text}`);
  return decoded.error.message;
};

describe("not-json reasons", () => {
  it("never quote the record: V8's 'Unexpected token' message does (U+FFFF and tweet text included)", () => {
    // V8 says: Unexpected token '\uFFFF', "\uFFFF secret tweet text" is not valid JSON
    const message = notJson("\uFFFF secret tweet text");

    expect(message).toBe("record is not JSON: Unexpected token or invalid JSON text (of 19 characters)");
  });

  it("keep V8's fixed description and the position", () => {
    expect(notJson('{"a":1,}')).toBe(
      "record is not JSON: Expected double-quoted property name at position 7 (of 8 characters)",
    );
    expect(notJson("")).toBe("record is not JSON: Unexpected end of JSON input (of 0 characters)");
  });

  it("say only kind, position and length for any text JSON.parse refuses", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (text) => {
        fc.pre(!isJson(text));

        const description = SHAPE.exec(notJson(text))?.[1] ?? "";

        expect(
          KNOWN_JSON_SYNTAX_DESCRIPTIONS.has(description) || description === UNKNOWN_JSON_SYNTAX_ERROR,
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
