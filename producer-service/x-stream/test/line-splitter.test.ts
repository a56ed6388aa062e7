import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LineDropReason, LineSplitter } from "../line-splitter.js";

type Event = ["line", string] | ["keep-alive"] | ["dropped", LineDropReason, number];

function split(chunks: Uint8Array[], maxLineBytes?: number): { events: Event[]; splitter: LineSplitter } {
  const events: Event[] = [];
  const splitter = new LineSplitter(
    {
      line: (text) => events.push(["line", text]),
      keepAlive: () => events.push(["keep-alive"]),
      dropped: (reason, bytes) => events.push(["dropped", reason, bytes]),
    },
    maxLineBytes,
  );
  for (const chunk of chunks) splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return { events, splitter };
}

/** Cuts `bytes` at the given offsets (any order, duplicates and out-of-range ones ignored). */
function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const sorted = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...sorted, bytes.length]) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  return chunks;
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
// Streams made of the pieces that matter: JSON, multi-byte characters, CR, LF, CRLF, and raw bytes.
const piece = fc.oneof(
  fc.constantFrom("\r\n", "\n", "\r", "😀", "東京", "ñ", "🏳️‍🌈", '{"data":{"id":"1","text":"é"}}').map(utf8),
  fc.string({ unit: "grapheme", maxLength: 20 }).map(utf8),
  fc.uint8Array({ maxLength: 8 }),
);
const stream = fc.array(piece, { maxLength: 40 }).map((pieces) => new Uint8Array(Buffer.concat(pieces)));
const offsets = fc.array(fc.nat(), { maxLength: 30 });

describe("LineSplitter", () => {
  it("splits on \\r\\n and bare \\n, treats empty lines as keep-alives, keeps the incomplete tail", () => {
    const { events, splitter } = split([utf8('{"a":1}\r\n\r\n{"b":2}\n{"c"')]);
    expect(events).toEqual([["line", '{"a":1}'], ["keep-alive"], ["line", '{"b":2}']]);
    expect(splitter.pendingBytes).toBe(4);
  });

  it("keeps a multi-byte character whole when it is split across chunks", () => {
    const bytes = utf8("a😀b\r\n");
    const { events } = split([bytes.subarray(0, 3), bytes.subarray(3, 4), bytes.subarray(4)]);
    expect(events).toEqual([["line", "a😀b"]]);
  });

  it("ends a message whose \\r\\n arrives as a chunk of its own, or split between \\r and \\n", () => {
    const { events } = split([utf8('{"a":1}'), utf8("\r\n"), utf8('{"b":2}\r'), utf8("\n")]);
    expect(events).toEqual([
      ["line", '{"a":1}'],
      ["line", '{"b":2}'],
    ]);
  });

  it("drops a line over the limit with its size, holding at most the limit, and goes on after it", () => {
    const long = utf8(`${"x".repeat(100)}\r\n{"ok":1}\r\n`);
    const { events, splitter } = split(cutAt(long, [10, 20, 30, 40, 95]), 64);
    expect(events).toEqual([
      ["dropped", "line-too-long", 101],
      ["line", '{"ok":1}'],
    ]);
    expect(splitter.bufferedBytes).toBe(0);
  });

  it("reports invalid UTF-8 instead of decoding it to U+FFFD", () => {
    const { events } = split([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d, 0x0d, 0x0a])]);
    expect(events).toEqual([["dropped", "invalid-utf8", 4]]);
  });

  it("forgets an incomplete line on reset and reports its size", () => {
    const { splitter } = split([utf8('{"half":')]);
    expect(splitter.reset()).toBe(8);
    expect(splitter.pendingBytes).toBe(0);
  });

  it("property: any chunking of any byte sequence yields the same events as one chunk", () => {
    fc.assert(
      fc.property(stream, offsets, fc.integer({ min: 4, max: 64 }), (bytes, cuts, max) => {
        const whole = split([bytes], max);
        const chunked = split(cutAt(bytes, cuts), max);
        expect(chunked.events).toEqual(whole.events);
        expect(chunked.splitter.pendingBytes).toBe(whole.splitter.pendingBytes);
      }),
      { numRuns: 300 },
    );
  });

  it("property: lines are exactly the text between line ends, without the \\r", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { maxLength: 20 }),
        offsets,
        (texts, cuts) => {
          const clean = texts.map((t) => t.replace(/[\r\n]/g, ""));
          const bytes = utf8(clean.map((t) => `${t}\r\n`).join(""));
          const { events } = split(cutAt(bytes, cuts));
          expect(events).toEqual(clean.map((t): Event => (t === "" ? ["keep-alive"] : ["line", t])));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: random garbage never throws and never holds more than the limit", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), offsets, (bytes, cuts) => {
        const { splitter } = split(cutAt(bytes, cuts), 32);
        expect(splitter.bufferedBytes).toBeLessThanOrEqual(32);
      }),
      { numRuns: 300 },
    );
  });
});
