import { DEFAULT_X_FIELDS, xFieldsQuery } from "../../events/index.js";
import {
  createRandom,
  createTweetGenerator,
  type GeneratedTweet,
  type PostMix,
  parseProjection,
  renderPost,
  type XStreamMessage,
} from "../../local/x-emulator/index.js";

/** Rules the bench pretends to have set: every message names one, as a filtered stream does. */
const RULES = [
  { id: "1866350032412860416", tag: "aws" },
  { id: "1866350032412860417", tag: "streaming" },
  { id: "1866350032412860418", tag: "tokyo" },
];
const CRLF = "\r\n";

/** The producer's request (events/x-fields.ts), read by the emulator's own parser of X's query parameters. */
const PROJECTION = (() => {
  const projection = parseProjection(new URLSearchParams(xFieldsQuery(DEFAULT_X_FIELDS)));
  if ("title" in projection)
    throw new Error(`the emulator refuses the producer's fields: ${projection.detail}`);
  return projection;
})();

/**
 * One stream message exactly as X sends it for the producer's request (DEFAULT_X_FIELDS): rendered by the
 * emulator's projection, in the emulator's field order, then `\r\n`.
 */
export function renderMessage(post: GeneratedTweet, index: number): string {
  const rule = RULES[index % RULES.length] as (typeof RULES)[number];
  const message: XStreamMessage = { ...renderPost(post, PROJECTION), matching_rules: [rule] };
  return JSON.stringify(message) + CRLF;
}

/**
 * `count` consecutive messages of the seeded generator, as the bytes of one stream response body. `mix`
 * (default: plain posts, as before long posts existed) picks the share of long posts, retweets, quotes...
 */
export function renderStream(count: number, seed = 1, mix?: PostMix): Buffer {
  const generator = createTweetGenerator({ seed, ...(mix ? { mix } : {}) });
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(renderMessage(generator.next(), i));
  return Buffer.from(parts.join(""), "utf8");
}

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
