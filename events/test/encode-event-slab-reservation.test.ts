import { describe, expect, it } from "vitest";
import { encodeEvent, type TweetEventV1 } from "../index.js";
import { sampleEvent } from "./fixtures.js";

// encodeEvent reserves 3 UTF-8 bytes per UTF-16 code unit in its shared slab before writing. Text dense in 3-byte
// characters (CJK: one code unit, three bytes) needs all of that reservation: with a smaller one, an encode that
// lands where earlier encodes already filled part of the slab is cut short by Buffer.write, and the record is
// corrupt. The property test's mostly 1- and 2-byte texts never come near it (issue 21 item 6).
describe("encodeEvent's slab reservation", () => {
  it("every record keeps its exact UTF-8 bytes when 3-byte text follows earlier encodes at every slab offset", () => {
    // Prepare: about 2,400 bytes of CJK (800 code units), after ASCII fillers of 0 to ~8 KiB in 61-byte steps, so
    // the free space left in the slab before the dense record sweeps through every window narrower than 3 bytes
    // per code unit.
    const dense = sampleEvent({ id: "9", text: "漢字かな交じり文".repeat(100) });
    const events: TweetEventV1[] = [];
    for (let filler = 0; filler < 8_192; filler += 61) {
      events.push(sampleEvent({ id: String(filler + 10), text: "a".repeat(filler) }), dense);
    }

    // Act: encode everything first, so a later encode that overwrote an earlier record's bytes is caught too.
    const encoded = events.map((event) => encodeEvent(event));

    // Assess
    const wrong = encoded.filter((bytes, i) => !bytes.equals(Buffer.from(JSON.stringify(events[i]), "utf8")));
    expect(wrong.length).toBe(0);
    expect(Buffer.byteLength(JSON.stringify(dense))).toBeGreaterThan(2 * JSON.stringify(dense).length);
  });
});
