import type { Random } from "../posts/prng.js";

/**
 * How the emulator cuts the byte stream into writes. Each write becomes one HTTP chunk, and Node's HTTP
 * client hands every HTTP chunk to the reader as its own `data` event, so these boundaries reach the
 * client's stream reader as they are.
 *
 * - `coalesced`: many messages per write (the default, and what a busy X stream looks like).
 * - `message`: one write per message, terminator included.
 * - `random`: 1 to 4 cuts per message at random byte offsets.
 * - `split-utf8`: cuts inside multi-byte UTF-8 characters (between the bytes of one character).
 * - `split-crlf`: a cut between the `\r` and the `\n` that end each message.
 * - `crlf-alone`: the `\r\n` that ends each message is a write of its own.
 * - `bytewise`: every byte is a write (slow; for small tests).
 * - `worst-case`: `split-utf8` plus, alternately, `split-crlf` and `crlf-alone`.
 */
export const CHUNKING_MODES = [
  "coalesced",
  "message",
  "random",
  "split-utf8",
  "split-crlf",
  "crlf-alone",
  "bytewise",
  "worst-case",
] as const;
export type ChunkingMode = (typeof CHUNKING_MODES)[number];

const MAX_UTF8_CUTS = 8;

/** Cuts one message (its bytes end with `\r\n`) into the writes `mode` asks for. */
export function chunkMessage(message: Buffer, mode: ChunkingMode, random: Random, index: number): Buffer[] {
  const cuts = new Set<number>();
  const end = message.length;
  switch (mode) {
    case "coalesced":
    case "message":
      return [message];
    case "bytewise":
      for (let i = 1; i < end; i++) cuts.add(i);
      break;
    case "random":
      for (let n = random.int(1, 4); n > 0; n--) cuts.add(random.int(1, end - 1));
      break;
    case "split-utf8":
      addUtf8Cuts(message, random, cuts);
      break;
    case "split-crlf":
      cuts.add(end - 1);
      break;
    case "crlf-alone":
      cuts.add(end - 2);
      break;
    case "worst-case":
      addUtf8Cuts(message, random, cuts);
      cuts.add(index % 2 === 0 ? end - 1 : end - 2);
      break;
  }
  return cut(
    message,
    [...cuts].sort((a, b) => a - b),
  );
}

/** Offsets of UTF-8 continuation bytes: cutting there splits a character between two writes. */
function addUtf8Cuts(message: Buffer, random: Random, cuts: Set<number>): void {
  const inside: number[] = [];
  for (let i = 0; i < message.length; i++) {
    if (((message[i] as number) & 0xc0) === 0x80) inside.push(i);
  }
  if (inside.length === 0) return;
  cuts.add(inside[0] as number);
  cuts.add(inside[inside.length - 1] as number);
  for (let n = 2; n < MAX_UTF8_CUTS && n < inside.length; n++) cuts.add(random.pick(inside));
}

function cut(message: Buffer, offsets: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const offset of offsets) {
    if (offset <= start || offset >= message.length) continue;
    pieces.push(message.subarray(start, offset));
    start = offset;
  }
  pieces.push(message.subarray(start));
  return pieces;
}
