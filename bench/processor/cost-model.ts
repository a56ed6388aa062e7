// The cost model of README.md ("Cost"), computed from measured units and published prices, so its figures
// cannot drift from what they are made of: the write units and bytes of the items the processor writes for the
// corpus of the write-unit test (600 posts of the emulator's rich mix), the Kinesis bytes of their records,
// the processor's CPU per record from the last full bench run (bench/results/latest.json), and the prices below.
// Usage: npx tsx bench/processor/cost-model.ts [--write]   (--write replaces the section in README.md)
import { readFileSync, writeFileSync } from "node:fs";
import type { BenchResults } from "../report/results.js";
import { type CorpusPost, richCorpus } from "./corpus.js";
import { itemsBefore, itemsNow, unitStats } from "./item-units.js";

/** Published prices, us-east-1, on-demand, as listed on the AWS and X pricing pages in 2025 (re-check them). */
export const PRICES = {
  date: "2025 (AWS us-east-1 price pages; X pay-per-use)",
  xPerPostRead: 0.005,
  kinesisPerStreamHour: 0.04,
  kinesisPerGbIngested: 0.08,
  kinesisPerGbRetrieved: 0.04,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionWrites: 0.625,
  dynamoPerMillionReads: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  /** Standard-IA: storage 60% cheaper, reads and writes 25% dearer. */
  dynamoIaStoragePerGbMonth: 0.1,
} as const;

/** The deployment's defaults (infra/): on-demand stream (4 shards to start), 256 MB arm64, batches of 500 in 1 s. */
const DEPLOYMENT = { shards: 4, memoryMb: 256, batchSize: 500, windowSeconds: 1 };
// Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB: CPU-bound work at 256 MB takes
// 1,769/256 times its CPU time, so a GB-second buys 1,024/1,769 CPU-seconds whatever the memory below 1 vCPU.
const MB_PER_VCPU = 1769;
/** DynamoDB round trips per invocation: 25 items a call, 4 calls in flight, about 10 ms each in-region. */
const ROUND_TRIP_SECONDS = 0.01;
const ITEMS_PER_ROUND_TRIP = 100;
/** DynamoDB adds 100 bytes of overhead to each stored item. */
const STORED_ITEM_OVERHEAD = 100;
const SECONDS_PER_MONTH = 30 * 86_400;
const GB = 1024 ** 3;

export const VOLUMES = [
  { name: "X pay-per-use cap: 3M post reads a month", postsPerMonth: 3_000_000, xPriced: true },
  { name: "sustained 250 posts/s (Enterprise)", postsPerMonth: 250 * SECONDS_PER_MONTH, xPriced: false },
] as const;

export interface Measured {
  writeUnitsPerItem: number;
  /** Before the encoding (Raw the record's JSON as a String). */
  writeUnitsBefore: number;
  storedBytesPerItem: number;
  kinesisKbPerRecord: number;
  recordBytes: number;
  cpuMicrosPerRecord: number;
  cpuSource: string;
}

export function measured(posts: readonly CorpusPost[], bench: BenchResults): Measured {
  const stats = unitStats(itemsNow(posts));
  const recordBytes = posts.map((p) => Buffer.byteLength(p.json) + Buffer.byteLength(p.event.id));
  const plain = bench.processor.rows.filter(
    (r) =>
      r.handler === undefined && r.endpoint === "counting" && r.format === "plain" && r.batchTweets >= 1000,
  );
  const cpu = Math.max(...plain.map((r) => r.metrics.cpuMicrosPerRecord.median));
  return {
    writeUnitsPerItem: stats.meanUnits,
    writeUnitsBefore: unitStats(itemsBefore(posts)).meanUnits,
    storedBytesPerItem: stats.meanBytes + STORED_ITEM_OVERHEAD,
    kinesisKbPerRecord: recordBytes.reduce((sum, b) => sum + Math.ceil(b / 1024), 0) / posts.length,
    recordBytes: recordBytes.reduce((a, b) => a + b, 0) / posts.length,
    cpuMicrosPerRecord: cpu,
    cpuSource: `bench/results/latest.json, ${bench.generatedAt.slice(0, 10)}, commit ${bench.environment.commit}`,
  };
}

export interface MonthlyCost {
  x: number | undefined;
  kinesis: number;
  lambda: number;
  dynamoWrites: number;
  dynamoWritesBefore: number;
  /** Per month of retention held (GB-months added each month the table keeps the posts). */
  storagePerRetainedMonth: number;
  storageIaPerRetainedMonth: number;
  /** A daily full Scan of a table holding one month of posts (0.5 read unit per 4 KB). */
  complianceReadsPerRetainedMonth: number;
}

export function monthlyCost(m: Measured, postsPerMonth: number, xPriced: boolean): MonthlyCost {
  const p = PRICES;
  const kinesisGb = (postsPerMonth * m.kinesisKbPerRecord * 1024) / GB;
  const perShardPerSecond = postsPerMonth / SECONDS_PER_MONTH / DEPLOYMENT.shards;
  const perInvocation = Math.min(
    DEPLOYMENT.batchSize,
    Math.max(1, perShardPerSecond * DEPLOYMENT.windowSeconds),
  );
  const invocations = postsPerMonth / perInvocation;
  const cpuGbSeconds = (postsPerMonth * m.cpuMicrosPerRecord * 1e-6 * MB_PER_VCPU) / 1024;
  const waitGbSeconds =
    invocations *
    Math.ceil(perInvocation / ITEMS_PER_ROUND_TRIP) *
    ROUND_TRIP_SECONDS *
    (DEPLOYMENT.memoryMb / 1024);
  const storedGb = (postsPerMonth * m.storedBytesPerItem) / GB;
  return {
    x: xPriced ? postsPerMonth * p.xPerPostRead : undefined,
    kinesis: 720 * p.kinesisPerStreamHour + kinesisGb * (p.kinesisPerGbIngested + p.kinesisPerGbRetrieved),
    lambda:
      (cpuGbSeconds + waitGbSeconds) * p.lambdaPerGbSecondArm +
      (invocations / 1e6) * p.lambdaPerMillionRequests,
    dynamoWrites: ((postsPerMonth * m.writeUnitsPerItem) / 1e6) * p.dynamoPerMillionWrites,
    dynamoWritesBefore: ((postsPerMonth * m.writeUnitsBefore) / 1e6) * p.dynamoPerMillionWrites,
    storagePerRetainedMonth: storedGb * p.dynamoStoragePerGbMonth,
    storageIaPerRetainedMonth: storedGb * p.dynamoIaStoragePerGbMonth,
    complianceReadsPerRetainedMonth:
      ((30 * postsPerMonth * m.storedBytesPerItem) / 4096) * 0.5 * 1e-6 * p.dynamoPerMillionReads,
  };
}

const usd = (n: number) =>
  n >= 100
    ? `$${Math.round(n).toLocaleString("en-US")}`
    : `$${n.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;

/** The Markdown of README.md's cost section (between its markers). */
export function costSection(m: Measured): string {
  const costs = VOLUMES.map((v) => ({ ...v, cost: monthlyCost(m, v.postsPerMonth, v.xPriced) }));
  const rows: [string, (c: MonthlyCost) => number | undefined][] = [
    ["X post reads ($0.005 each, pay-per-use only)", (c) => c.x],
    ["Kinesis (on-demand: stream-hours, GB in and out)", (c) => c.kinesis],
    ["Lambda processor (arm64, 256 MB)", (c) => c.lambda],
    ["DynamoDB writes (on-demand)", (c) => c.dynamoWrites],
    [
      `DynamoDB writes before the encoding (${m.writeUnitsBefore.toFixed(2)} units/item)`,
      (c) => c.dynamoWritesBefore,
    ],
    ["DynamoDB storage, per month of retention (Standard)", (c) => c.storagePerRetainedMonth],
    ["DynamoDB storage, per month of retention (Standard-IA)", (c) => c.storageIaPerRetainedMonth],
    ["compliance: daily Scan, per month of retention", (c) => c.complianceReadsPerRetainedMonth],
  ];
  const cell = (value: number | undefined, posts: number) =>
    value === undefined ? "not public (Enterprise)" : `${usd(value)} (${usd((value * 1e6) / posts)})`;
  const header = `| per month (per million posts) | ${costs.map((c) => c.name).join(" | ")} |`;
  const lines = rows.map(
    ([name, of]) => `| ${name} | ${costs.map((c) => cell(of(c.cost), c.postsPerMonth)).join(" | ")} |`,
  );
  return [
    `Measured: ${m.writeUnitsPerItem.toFixed(2)} write units and ${Math.round(m.storedBytesPerItem).toLocaleString("en-US")} stored bytes per item ` +
      `(the 600 posts of the write-unit test, 100 bytes of DynamoDB's overhead included); ${m.kinesisKbPerRecord.toFixed(2)} KB ` +
      `billed per Kinesis record (${Math.round(m.recordBytes).toLocaleString("en-US")} bytes on average, each rounded up to 1 KB); ` +
      `${m.cpuMicrosPerRecord.toFixed(1)} µs of processor CPU per record (${m.cpuSource}). Prices: ${PRICES.date}.`,
    "",
    header,
    `| --- | ${costs.map(() => "---").join(" | ")} |`,
    ...lines,
    "",
    "Storage and the compliance Scan grow with what the table holds: with `RETENTION_DAYS` unset (forever) add one " +
      "more month of each line every month; with 30 days they stay at one month's figure, with 365 at twelve. TTL " +
      "deletes are free.",
  ].join("\n");
}

export const README_MARKERS = ["<!-- cost-model -->", "<!-- /cost-model -->"] as const;

export function costSectionNow(): string {
  const bench = JSON.parse(readFileSync("bench/results/latest.json", "utf8")) as BenchResults;
  return costSection(measured(richCorpus(600), bench));
}

if (process.argv[1]?.endsWith("cost-model.ts")) {
  const section = costSectionNow();
  if (process.argv.includes("--write")) {
    const readme = readFileSync("README.md", "utf8");
    const [open, close] = README_MARKERS;
    const start = readme.indexOf(open);
    const end = readme.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${open} ... ${close}`);
    writeFileSync("README.md", `${readme.slice(0, start + open.length)}\n${section}\n${readme.slice(end)}`);
  }
  process.stdout.write(`${section}\n`);
}
