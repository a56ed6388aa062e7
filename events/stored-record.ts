import { inflateRawSync } from "node:zlib";
import { reusedDeflate } from "./raw-deflate.js";
import { DICTIONARY_1_BASE64 } from "./stored-record-dictionary.js";

/**
 * The stored record: how the processor keeps a post's whole record (the envelope's JSON as it came off the
 * stream) in the item's `Raw` attribute, and how any reader gets it back byte for byte. Shared by the
 * processor (writes it), the compliance sweeper (scrubs geo inside it) and consumers (processor/decode-item.ts).
 *
 * `Raw` is a Binary: one format byte, then a raw DEFLATE stream (RFC 1951, zlib's deflate-raw) made with the
 * preset dictionary of that format. Format 1: before compressing, each occurrence of the item's `Message` in
 * the record (JSON-escaped, as JSON.stringify writes it) is replaced by the character U+0000, and each
 * occurrence of a retweet's original text (`Message` after its `RT @name: `) by U+0001; a JSON text never
 * holds those two characters unescaped, and a record that does is stored as format 2 (no replacement). So
 * decoding needs the item's own `Message`. Items written before this encoding hold `Raw` as a String (the
 * record's JSON), which `decodeStoredRecord` returns as it is.
 *
 * Everything used here is in Node's zlib since Node 0.x (the dictionary option too), so any Node (20, 22, 24)
 * and any zlib binding in any language decodes it: no zstd, which Node 20 lacks.
 */
export const STORED_RECORD_FORMAT = { substituted: 1, plain: 2 } as const;

export const DICTIONARY = Buffer.from(DICTIONARY_1_BASE64, "base64");
/** zlib level 6 (its default): see processor/README.md, "Encoding", for the sizes and CPU that chose it. */
const LEVEL = 6;
const MESSAGE = "\u0000";
const ORIGINAL = "\u0001";
// The shortest text worth a replacement; an empty Message would otherwise match everywhere.
const MIN_REPLACED = 8;
const RETWEET_PREFIX = /^RT @[A-Za-z0-9_]{1,15}: /;

const escaped = (text: string) => JSON.stringify(text).slice(1, -1);

/** The retweeted original's text inside `message` (after `RT @name: `), when `message` is a retweet's. */
function originalText(message: string): string | undefined {
  const prefix = RETWEET_PREFIX.exec(message);
  return prefix === null ? undefined : message.slice(prefix[0].length);
}

function replaceAll(text: string, find: string, by: string): string {
  return find.length < MIN_REPLACED ? text : text.split(find).join(by);
}

/**
 * The record with `message` (and a retweet's original) replaced; undefined when it holds the replacements.
 * The definition of format 1's body; `withoutMessageBytes` does the same on the record's UTF-8 bytes.
 */
export function withoutMessage(json: string, message: string): string | undefined {
  if (json.includes(MESSAGE) || json.includes(ORIGINAL)) return undefined;
  const body = replaceAll(json, escaped(message), MESSAGE);
  const original = originalText(message);
  return original === undefined ? body : replaceAll(body, escaped(original), ORIGINAL);
}

type Allocate = (length: number) => Buffer;

/**
 * `withoutMessage` on the record's UTF-8 bytes, as the processor holds them (no string to encode again): the
 * same body, byte for byte (a property test holds it). UTF-8 is self-synchronizing, so the bytes of a
 * well-formed text match exactly where its characters do, and U+0000 and U+0001 are the bytes 0 and 1.
 */
export function withoutMessageBytes(record: Uint8Array, message: string): Uint8Array | undefined {
  return substituted(record, message, Buffer.allocUnsafe, Buffer.allocUnsafe);
}

function substituted(record: Uint8Array, message: string, first: Allocate, second: Allocate) {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (bytes.includes(0) || bytes.includes(1)) return undefined;
  const body = replaceBytes(bytes, escaped(message), 0, first);
  const original = originalText(message);
  return original === undefined ? body : replaceBytes(body, escaped(original), 1, second);
}

/** `bytes` with each `find` replaced by the byte `by`, written into `allocate(bytes.length)` when it occurs. */
function replaceBytes(bytes: Buffer, find: string, by: number, allocate: Allocate): Buffer {
  if (find.length < MIN_REPLACED) return bytes;
  const needle = Buffer.from(find, "utf8");
  let at = bytes.indexOf(needle);
  if (at === -1) return bytes;
  const out = allocate(bytes.length);
  let from = 0;
  let length = 0;
  while (at !== -1) {
    length += bytes.copy(out, length, from, at);
    out[length++] = by;
    from = at + needle.length;
    at = bytes.indexOf(needle, from);
  }
  length += bytes.copy(out, length, from);
  return out.subarray(0, length);
}

// One compressor for the process (events/raw-deflate.ts): a new zlib stream per record cost a fifth of the
// record's deflate. The body it compresses is built in two scratch buffers (one per replacement) kept for the
// process: the compressor reads it at once and keeps nothing, so no record allocates its own.
const deflate = reusedDeflate(LEVEL, DICTIONARY);
const scratch = [Buffer.alloc(0), Buffer.alloc(0)];
const inScratch =
  (which: 0 | 1): Allocate =>
  (length) => {
    if ((scratch[which] as Buffer).length < length)
      scratch[which] = Buffer.allocUnsafe(Math.max(length, 16_384));
    return scratch[which] as Buffer;
  };
const first = inScratch(0);
const second = inScratch(1);

/**
 * `Raw` for the record of an item whose `Message` is `message`: the record's JSON as a string, or as its
 * UTF-8 bytes (what the processor received; cheaper: no string to encode).
 */
export function encodeStoredRecord(record: string | Uint8Array, message: string): Uint8Array {
  const bytes = typeof record === "string" ? Buffer.from(record, "utf8") : record;
  const body = substituted(bytes, message, first, second);
  const format = body === undefined ? STORED_RECORD_FORMAT.plain : STORED_RECORD_FORMAT.substituted;
  return deflate(body ?? bytes, format);
}

/** A `Raw` value as DynamoDB returns it: Binary (this encoding) or String (items written before it). */
export type StoredRecord = { B: Uint8Array } | { S: string };

/** The record's JSON, byte for byte as the processor received it. `message` is the item's `Message`. */
export function decodeStoredRecord(raw: StoredRecord, message: string): string {
  if ("S" in raw) return raw.S;
  const bytes = raw.B;
  const format = bytes[0];
  if (format !== STORED_RECORD_FORMAT.substituted && format !== STORED_RECORD_FORMAT.plain) {
    throw new Error(`Raw: unknown stored-record format ${String(format)} (this reader knows 1 and 2)`);
  }
  const body = inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY }).toString("utf8");
  return format === STORED_RECORD_FORMAT.plain ? body : withMessage(body, message);
}

/** The inverse of `withoutMessage`. */
export function withMessage(body: string, message: string): string {
  const original = originalText(message);
  const restored = original === undefined ? body : body.split(ORIGINAL).join(escaped(original));
  return restored.split(MESSAGE).join(escaped(message));
}
