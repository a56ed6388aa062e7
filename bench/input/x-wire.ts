import { createRandom } from "../../local/x-emulator/index.js";

// The body itself is rendered by the emulator, which producer measurements use too.
export { renderStream } from "../../local/x-emulator/index.js";

export interface WireChunk {
  bytes: Buffer;
  /** Messages whose terminating `\n` is in this chunk: tweets the reader can complete once it has it. */
  completes: number;
}

/**
 * Cuts a stream body into network-sized reads. X serves over TLS, whose records carry at most 16 KB, so a
 * socket read is at most that; sizes are drawn from [minBytes, maxBytes] by a seeded generator, so cuts land
 * anywhere: inside JSON, inside multi-byte characters, between `\r` and `\n`.
 */
export function cutIntoChunks(body: Buffer, minBytes = 2048, maxBytes = 16_384, seed = 7): WireChunk[] {
  const random = createRandom(seed);
  const chunks: WireChunk[] = [];
  for (let start = 0; start < body.length; ) {
    const end = Math.min(body.length, start + random.int(minBytes, maxBytes));
    const bytes = body.subarray(start, end);
    chunks.push({ bytes, completes: countNewlines(bytes) });
    start = end;
  }
  return chunks;
}

/** Cuts a stream body at message boundaries: one chunk per message, as a quiet stream delivers them. */
export function cutPerMessage(body: Buffer): WireChunk[] {
  const chunks: WireChunk[] = [];
  for (let start = 0; start < body.length; ) {
    const end = body.indexOf(0x0a, start) + 1;
    chunks.push({ bytes: body.subarray(start, end), completes: 1 });
    start = end;
  }
  return chunks;
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}
