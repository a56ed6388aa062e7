import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../index.js";
import { sampleEvent } from "./fixtures.js";

// encodeEvent writes consecutive records into a shared slab: each must keep its own bytes, exactly the UTF-8
// of JSON.stringify, whatever is encoded after it.
describe("encodeEvent", () => {
  it("property: every buffer holds exactly the UTF-8 JSON of its event, after many more encodes", () => {
    // Prepare: texts from empty to larger than the slab, lone surrogates included (encoded as U+FFFD).
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 50 }),
      fc.string({ minLength: 2_000, maxLength: 12_000 }),
    );

    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 60 }), (texts) => {
        const events = texts.map((t, i) => sampleEvent({ id: String(i + 1), text: t }));

        // Act
        const encoded = events.map((event) => encodeEvent(event));

        // Assess
        encoded.forEach((bytes, i) => {
          expect(bytes.equals(Buffer.from(JSON.stringify(events[i]), "utf8"))).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });
});
