// What the processor's Raw encoding costs and what its speed choices are worth (processor/README.md, "Encoding"):
// CPU per post of each way to deflate, of the whole encoding from text and from bytes, of loading the dictionary;
// and, for the speedups not taken (level 1, an encoder-side dictionary of 4 KB), the write units they would add
// and both in dollars at 250 posts/s. CPU: medians of alternating passes over the corpus in this process
// (process.cpuUsage), so a loaded machine slows every variant alike.
// Usage: npx tsx bench/processor/encode-cost.ts [passes]
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { oneShotDeflate, type RawDeflate, reusedDeflate } from "../../events/raw-deflate.js";
import { DICTIONARY, encodeStoredRecord, withoutMessageBytes } from "../../events/stored-record.js";
import { spread } from "../lib/stats.js";
import { richCorpus } from "./corpus.js";
import { PRICES, VOLUMES } from "./cost-model.js";
import { itemsNow, unitStats } from "./item-units.js";

const passes = Number(process.argv[2] ?? 15);
const posts = richCorpus(600);
const records = posts.map((post) => Buffer.from(post.json, "utf8"));
const bodies = posts.map((post, i) => {
  const record = records[i] as Buffer;
  return withoutMessageBytes(record, post.event.text) ?? record;
});
const EMPTY = new Uint8Array();
const meanBytes = (buffers: readonly Uint8Array[]) =>
  buffers.reduce((sum, b) => sum + b.length, 0) / buffers.length;

const deflaters: Record<string, RawDeflate> = {
  "deflate, a new zlib stream per post (deflateRawSync)": oneShotDeflate(6, DICTIONARY),
  "deflate, one zlib stream reused (chosen)": reusedDeflate(6, DICTIONARY),
  "deflate level 1, reused": reusedDeflate(1, DICTIONARY),
  "deflate, encoder dictionary = the last 4 KB, reused": reusedDeflate(6, DICTIONARY.subarray(4096)),
};
const runs: Record<string, () => void> = {};
for (const [name, deflate] of Object.entries(deflaters)) {
  runs[name] = () => {
    for (const body of bodies) deflate(body, 1);
  };
}
const withDictionary = reusedDeflate(6, DICTIONARY);
const withoutDictionary = reusedDeflate(6, Buffer.alloc(0));
runs["empty input with the dictionary (its load)"] = () => {
  for (const _ of bodies) withDictionary(EMPTY, 1);
};
runs["empty input without a dictionary"] = () => {
  for (const _ of bodies) withoutDictionary(EMPTY, 1);
};
runs["whole encoding from the record's text"] = () => {
  for (const post of posts) encodeStoredRecord(post.json, post.event.text);
};
runs["whole encoding from the record's bytes (the processor)"] = () => {
  for (const [i, post] of posts.entries()) encodeStoredRecord(records[i] as Buffer, post.event.text);
};

const samples = new Map<string, number[]>();
for (let pass = 0; pass <= passes; pass++) {
  for (const [name, run] of Object.entries(runs)) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    // Pass 0 warms up.
    if (pass > 0) samples.set(name, [...(samples.get(name) ?? []), (used.user + used.system) / posts.length]);
  }
}
const micros = (name: string) => spread(samples.get(name) ?? []).median;

const items = itemsNow(posts);
const unitsWith = (deflate: RawDeflate) =>
  unitStats(
    items.map((item, i) => ({ ...item, Raw: { B: deflate(bodies[i] as Uint8Array, 1) } as AttributeValue })),
  );
const chosen = unitsWith(deflaters["deflate, one zlib stream reused (chosen)"] as RawDeflate);

console.log(
  `record ${meanBytes(records).toFixed(0)} bytes on average, body to compress (Message replaced) ${meanBytes(bodies).toFixed(0)}`,
);
console.log(
  `| what (${posts.length} posts, medians of ${passes} passes) | CPU µs per post | Raw bytes | write units |`,
);
console.log("| --- | --- | --- | --- |");
for (const name of Object.keys(runs)) {
  const deflate = deflaters[name];
  const units = deflate === undefined ? undefined : unitsWith(deflate);
  const cells =
    units === undefined ? "| |" : `| ${units.meanRawBytes.toFixed(0)} | ${units.meanUnits.toFixed(2)} |`;
  console.log(`| ${name} | ${micros(name).toFixed(1)} ${cells}`);
}

// A speedup's worth at 250 posts/s: the CPU it saves at Lambda's price (arm64, a GB-second buys 1,024/1,769
// CPU-seconds below one vCPU, as cost-model.ts counts) against the write units it adds.
const postsPerMonth = VOLUMES[1].postsPerMonth;
for (const name of ["deflate level 1, reused", "deflate, encoder dictionary = the last 4 KB, reused"]) {
  const savedMicros = micros("deflate, one zlib stream reused (chosen)") - micros(name);
  const lambda = savedMicros * 1e-6 * postsPerMonth * (1769 / 1024) * PRICES.lambdaPerGbSecondArm;
  const addedUnits = unitsWith(deflaters[name] as RawDeflate).meanUnits - chosen.meanUnits;
  const writes = (addedUnits * postsPerMonth * PRICES.dynamoPerMillionWrites) / 1e6;
  console.log(
    `${name}: saves ${savedMicros.toFixed(1)} µs a post ($${lambda.toFixed(2)} a month of Lambda at 250 posts/s), ` +
      `adds ${addedUnits.toFixed(3)} write units a post ($${writes.toFixed(2)} a month of writes)`,
  );
}
