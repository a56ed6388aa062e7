// The codecs considered for the item's `Raw`, measured on the corpus of the write-unit test (600 posts of the
// X emulator's rich mix): bytes of Raw, write units of the whole item, CPU to encode and to decode. Prints the
// Markdown table of processor/README.md ("Encoding"). Usage: npx tsx bench/processor/codec-candidates.ts
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
} from "node:zlib";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DICTIONARY,
  decodeStoredRecord,
  encodeStoredRecord,
  withMessage,
  withoutMessage,
} from "../../events/stored-record.js";
import { spread } from "../lib/stats.js";
import { type CorpusPost, richCorpus } from "./corpus.js";
import { itemsNow, unitStats } from "./item-units.js";

interface Candidate {
  name: string;
  encode(json: string, message: string): Uint8Array | string;
  decode(stored: Uint8Array | string, message: string): string;
}
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const brotli = (quality: number) => (bytes: Buffer) =>
  brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
const replaced = (json: string, message: string) => Buffer.from(withoutMessage(json, message) ?? json);

export const CANDIDATES: Candidate[] = [
  { name: "String (before: the record's JSON)", encode: (json) => json, decode: (s) => s as string },
  { name: "gzip 6", encode: (json) => gzipSync(json), decode: (b) => text(gunzipSync(b as Uint8Array)) },
  {
    name: "deflate-raw 6",
    encode: (json) => deflateRawSync(json),
    decode: (b) => text(inflateRawSync(b as Uint8Array)),
  },
  {
    name: "brotli 5",
    encode: (json) => brotli(5)(Buffer.from(json)),
    decode: (b) => text(brotliDecompressSync(b as Uint8Array)),
  },
  {
    name: "brotli 11",
    encode: (json) => brotli(11)(Buffer.from(json)),
    decode: (b) => text(brotliDecompressSync(b as Uint8Array)),
  },
  {
    name: "Message replaced + deflate-raw 6",
    encode: (json, m) => deflateRawSync(replaced(json, m)),
    decode: (b, m) => withMessage(text(inflateRawSync(b as Uint8Array)), m),
  },
  {
    name: "Message replaced + brotli 5",
    encode: (json, m) => brotli(5)(replaced(json, m)),
    decode: (b, m) => withMessage(text(brotliDecompressSync(b as Uint8Array)), m),
  },
  {
    name: "Message replaced + deflate-raw 1 + dictionary",
    encode: (json, m) => deflateRawSync(replaced(json, m), { level: 1, dictionary: DICTIONARY }),
    decode: (b, m) => withMessage(text(inflateRawSync(b as Uint8Array, { dictionary: DICTIONARY })), m),
  },
  {
    name: "**chosen**: Message replaced + deflate-raw 6 + dictionary",
    encode: encodeStoredRecord,
    decode: (b, m) => decodeStoredRecord({ B: b as Uint8Array }, m),
  },
  {
    name: "Message replaced + deflate-raw 9 + dictionary",
    encode: (json, m) => deflateRawSync(replaced(json, m), { level: 9, dictionary: DICTIONARY }),
    decode: (b, m) => withMessage(text(inflateRawSync(b as Uint8Array, { dictionary: DICTIONARY })), m),
  },
];

/** CPU µs per item of `run` over the corpus: the median of `rounds` passes after a warm-up pass. */
function cpuPerItem(
  posts: readonly CorpusPost[],
  run: (post: CorpusPost, i: number) => void,
  rounds = 5,
): number {
  posts.forEach(run);
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    posts.forEach(run);
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / posts.length);
  }
  return spread(samples).median;
}

export function measureCandidates(posts: readonly CorpusPost[]) {
  const items = itemsNow(posts);
  return CANDIDATES.map((candidate) => {
    const stored = posts.map((post) => candidate.encode(post.json, post.event.text));
    const withRaw = items.map((item, i) => {
      const value = stored[i] as Uint8Array | string;
      return { ...item, Raw: (typeof value === "string" ? { S: value } : { B: value }) as AttributeValue };
    });
    const stats = unitStats(withRaw);
    return {
      name: candidate.name,
      rawBytes: stats.meanRawBytes,
      meanUnits: stats.meanUnits,
      medianUnits: stats.medianUnits,
      maxUnits: stats.maxUnits,
      encodeMicros: cpuPerItem(posts, (post) => candidate.encode(post.json, post.event.text)),
      decodeMicros: cpuPerItem(posts, (post, i) =>
        candidate.decode(stored[i] as Uint8Array, post.event.text),
      ),
    };
  });
}

if (process.argv[1]?.endsWith("codec-candidates.ts")) {
  const posts = richCorpus(600);
  const rows = measureCandidates(posts);
  const fmt = (n: number, digits = 0) =>
    n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  console.log(
    "| Raw stored as | Raw bytes (mean) | write units/item: mean, median, max | encode µs/item | decode µs/item |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fmt(r.rawBytes)} | ${fmt(r.meanUnits, 2)}, ${r.medianUnits}, ${r.maxUnits} | ${fmt(r.encodeMicros, 1)} | ${fmt(r.decodeMicros, 1)} |`,
    );
  }
}
