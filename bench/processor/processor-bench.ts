import { execFile, execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ChildName } from "../lib/build-children.js";
import { type BenchChild, spawnBenchChild } from "../lib/child.js";
import { rotate } from "../lib/rounds.js";
import { spread, spreadByField } from "../lib/stats.js";
import {
  type BenchResults,
  PROCESSOR_METRICS,
  type ProcessorMetric,
  type ProcessorRow,
} from "../report/results.js";
import { BENCH_TABLE } from "./bench-table.js";
import { plainBatch, readTweets } from "./lambda-batches.js";
import type { ProcessorMeasureRequest, ProcessorMeasureResult } from "./processor-process.js";

const run = promisify(execFile);
const BATCH_SIZES = [100, 1000, 10_000];
const FORMATS = ["plain", "aggregated"] as const;
/** Each measurement handles about this many tweets, so a 100-record batch is timed over 100 batches. */
const TWEETS_PER_MEASUREMENT = 10_000;
const COLD_START_BATCH = 100;

export interface ProcessorBenchOptions {
  rounds: number;
  coldStarts: number;
  bundle: string;
  bundleBytes: number;
  tweetsFile: string;
  workDir: string;
  pin: boolean;
  /** Also measure one configuration against dynalite, to show why the counting endpoint is used. */
  dynaliteReference: boolean;
  children: Record<ChildName, string>;
  /** Extra node flags for the processor process (the profile run passes --cpu-prof). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

export type Config = { format: (typeof FORMATS)[number]; batchTweets: number };

/**
 * The original's logic (bench/processor/original-logic.ts), bundled with the processor's build settings
 * (scripts/bundle-lambda.mjs), for the side-by-side rows. It reads only plain records, as the original did.
 */
export function buildOriginal(workDir: string): string {
  const outfile = join(workDir, "original-logic", "index.mjs");
  const entry = fileURLToPath(new URL("./original-logic.ts", import.meta.url));
  const script =
    'import { bundleEntry } from "./scripts/bundle-lambda.mjs"; await bundleEntry(process.argv[1], process.argv[2]);';
  execFileSync(process.execPath, ["--input-type=module", "-e", script, entry, outfile], { stdio: "ignore" });
  return outfile;
}

type Handler = "processor" | "original logic";

export async function benchProcessor(options: ProcessorBenchOptions): Promise<BenchResults["processor"]> {
  const configs: (Config & { handler: Handler })[] = FORMATS.flatMap((format) =>
    BATCH_SIZES.flatMap((batchTweets) => [
      { format, batchTweets, handler: "processor" as const },
      ...(format === "plain" ? [{ format, batchTweets, handler: "original logic" as const }] : []),
    ]),
  );
  const originalBundle = buildOriginal(options.workDir);
  const rows: ProcessorRow[] = [];
  const counting = await startEndpoint("sink", options);
  try {
    const samples = new Map<string, Record<ProcessorMetric, number>[]>();
    const recordsPerBatch = new Map<string, number>();
    const processors: Record<Handler, BenchChild> = {
      processor: await startProcessor(counting.endpoint, options),
      "original logic": await startProcessor(counting.endpoint, { ...options, bundle: originalBundle }),
    };
    try {
      for (const format of FORMATS)
        await measure(processors.processor, counting.child, { format, batchTweets: 1000 }, 2);
      await measure(processors["original logic"], counting.child, { format: "plain", batchTweets: 1000 }, 2);
      for (let round = 0; round < options.rounds; round++) {
        for (const { handler, ...config } of rotate(configs, round)) {
          const m = await measure(
            processors[handler],
            counting.child,
            config,
            TWEETS_PER_MEASUREMENT / config.batchTweets,
          );
          const key = `${handler}:${config.format}@${config.batchTweets}`;
          samples.set(key, [...(samples.get(key) ?? []), m.metrics]);
          recordsPerBatch.set(key, m.kinesisRecordsPerBatch);
          options.log(`  round ${round + 1} ${key}: ${Math.round(m.metrics.recordsPerSecond)} records/s`);
        }
      }
    } finally {
      await Promise.all(Object.values(processors).map((child) => child.stop()));
    }
    for (const { handler, ...config } of configs) {
      const key = `${handler}:${config.format}@${config.batchTweets}`;
      rows.push({
        ...config,
        kinesisRecordsPerBatch: recordsPerBatch.get(key) ?? Number.NaN,
        endpoint: "counting",
        ...(handler === "processor" ? {} : { handler }),
        metrics: spreadByField(samples.get(key) ?? [], PROCESSOR_METRICS),
      });
    }
    // Alternating, one cold start of each at a time, so a drift of the shared machine spreads over both.
    const bundles = [options.bundle, originalBundle];
    const colds = bundles.map(() => [] as ColdSample[]);
    for (let i = 0; i < options.coldStarts; i++) {
      for (const [which, bundle] of bundles.entries())
        colds[which]?.push(await coldStart(counting.endpoint, options, bundle));
    }
    const cold = summarizeColdStarts(colds[0], options.log);
    const originalCold = summarizeColdStarts(colds[1], options.log);
    if (options.dynaliteReference) rows.push(await dynaliteReference(options));
    const { coldStartNote: _note, ...original } = originalCold;
    return {
      rows,
      bundleBytes: options.bundleBytes,
      ...cold,
      original: { ...original, bundleBytes: statSync(originalBundle).size },
    };
  } finally {
    await counting.child.stop();
  }
}

export async function startEndpoint(kind: "sink" | "dynalite", options: ProcessorBenchOptions) {
  const child = await spawnBenchChild(options.children["dynamodb-endpoint"], {
    ...(options.pin ? { core: 1 } : {}),
    env: { BENCH_DYNAMODB: kind },
  });
  const { endpoint } = await child.ask<{ endpoint: string }>({ type: "endpoint" });
  return { child, endpoint };
}

/** The environment the processor bundle reads at cold start, pointing it at the bench's endpoint. */
function processorEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    TABLE_NAME: BENCH_TABLE.tableName,
    // Valid tweets never reach the dead-letter queue; the URL only has to be well formed.
    DLQ_URL: "http://127.0.0.1:9/000000000000/bench-dlq",
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    LOG_LEVEL: "info",
  };
}

export async function startProcessor(endpoint: string, options: ProcessorBenchOptions): Promise<BenchChild> {
  const child = await spawnBenchChild(options.children.processor, {
    ...(options.pin ? { core: 0 } : {}),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    env: processorEnv(endpoint),
  });
  await child.ask({ type: "load", bundle: options.bundle, tweetsFile: options.tweetsFile });
  return child;
}

export async function measure(processor: BenchChild, endpoint: BenchChild, config: Config, batches: number) {
  await endpoint.ask({ type: "reset" });
  const request: ProcessorMeasureRequest = { type: "measure", ...config, batches };
  const result = await processor.ask<ProcessorMeasureResult>(request);
  const counters = await endpoint.ask<{
    requests: Record<string, number>;
    rejected: number;
    lastRejection?: string;
    cpuMicros: number;
  }>({ type: "read" });
  if (result.failures > 0 || counters.rejected > 0) {
    throw new Error(
      `processor ${config.format} ${config.batchTweets}: ${result.failures} records failed, ` +
        `${counters.rejected} requests rejected (${counters.lastRejection ?? "no rejection"})`,
    );
  }
  const requests = Object.values(counters.requests).reduce((a, b) => a + b, 0);
  return {
    kinesisRecordsPerBatch: result.kinesisRecords / batches,
    metrics: {
      recordsPerSecond: result.tweets / (result.elapsedMs / 1000),
      cpuMicrosPerRecord: result.cpuMicros / result.tweets,
      dynamoDbRequestsPer1000Records: (requests * 1000) / result.tweets,
      endpointCpuShare: counters.cpuMicros / 1000 / result.elapsedMs,
    },
  };
}

interface ColdSample {
  loadMs: number;
  firstBatchMs: number;
  coldStartMs: number;
  failures: number;
}

/** A fresh Node process (plain node, no TypeScript loader): load the bundle, handle one batch of 100. */
async function coldStart(
  endpoint: string,
  options: ProcessorBenchOptions,
  bundle: string,
): Promise<ColdSample> {
  const eventFile = join(options.workDir, "cold-start-event.json");
  writeFileSync(eventFile, JSON.stringify(plainBatch(readTweets(options.tweetsFile), 0, COLD_START_BATCH)));
  const script = fileURLToPath(new URL("./cold-start.mjs", import.meta.url));
  const resultFile = join(options.workDir, "cold-start-result.json");
  const node = [process.execPath, script, bundle, eventFile, resultFile];
  const [command, ...args] = options.pin ? ["taskset", "-c", "0", ...node] : node;
  await run(command as string, args, { env: { ...process.env, ...processorEnv(endpoint) } });
  const sample = JSON.parse(readFileSync(resultFile, "utf8")) as ColdSample;
  if (sample.failures > 0) throw new Error(`cold start: ${sample.failures} records failed`);
  return sample;
}

function summarizeColdStarts(samples: ColdSample[] = [], log: (line: string) => void) {
  log(`  cold start: ${samples.map((s) => s.coldStartMs.toFixed(0)).join(", ")} ms`);
  return {
    coldStartMs: spread(samples.map((s) => s.coldStartMs)),
    coldStartLoadMs: spread(samples.map((s) => s.loadMs)),
    coldStartFirstBatchMs: spread(samples.map((s) => s.firstBatchMs)),
    coldStartNote: `fresh node process pinned to one core; bundle import + first batch of ${COLD_START_BATCH} plain records`,
  };
}

/** One measurement against dynalite (plain, 1,000-record batches), for comparison with the counting endpoint. */
async function dynaliteReference(options: ProcessorBenchOptions): Promise<ProcessorRow> {
  const dynalite = await startEndpoint("dynalite", options);
  try {
    const processor = await startProcessor(dynalite.endpoint, options);
    try {
      const config: Config = { format: "plain", batchTweets: 1000 };
      await measure(processor, dynalite.child, config, 1);
      const m = await measure(processor, dynalite.child, config, 2);
      options.log(
        `  processor plain@1000 against dynalite: ${Math.round(m.metrics.recordsPerSecond)} records/s`,
      );
      return {
        ...config,
        kinesisRecordsPerBatch: m.kinesisRecordsPerBatch,
        endpoint: "dynalite",
        metrics: spreadByField([m.metrics], PROCESSOR_METRICS),
      };
    } finally {
      await processor.stop();
    }
  } finally {
    await dynalite.child.stop();
  }
}
