import type { ChildName } from "../lib/build-children.js";
import { type BenchChild, spawnBenchChild } from "../lib/child.js";
import { rotate } from "../lib/rounds.js";
import { type Spread, spread, spreadByField } from "../lib/stats.js";
import {
  LATENCY_METRICS,
  type LatencyMetric,
  PRODUCER_METRICS,
  type ProducerMetric,
  type ProducerRow,
} from "../report/results.js";
import type { SinkCounters } from "../sink/sink-counters.js";
import type { ProducerRunRequest, ProducerRunResult } from "./producer-process.js";
import type { ProducerVariantName } from "./variants.js";

export const RESPONSE_DELAYS_MS = [0, 10] as const;
const VARIANTS: ProducerVariantName[] = ["seed", "batched", "aggregated", "ceiling"];
const MB = 1024 * 1024;
const SEED_RUN_MS = 1500;
const PACED_TWEETS_PER_SECOND = 1000;
const GiB = 1024 * MB;

export interface ProducerBenchOptions {
  rounds: number;
  latencyRounds: number;
  wireFile: string;
  /** Pin producers to core 0 and the endpoint to core 1. */
  pin: boolean;
  /** Tweets per full-speed run for the batched variants (the seed design is bounded by time). */
  fullSpeedTweets: number;
  fullSpeedMaxMs: number;
  pacedMs: number;
  children: Record<ChildName, string>;
  /** Extra node flags for the producer processes (the profile run passes --cpu-prof). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

export interface Config {
  variant: ProducerVariantName;
  delay: number;
}

/** Runs every variant at every response time, alternating within each round; returns one row per pair. */
export async function benchProducer(options: ProducerBenchOptions): Promise<ProducerRow[]> {
  const { sink, endpoint } = await startKinesisSink(options);
  try {
    const configs = VARIANTS.flatMap((variant) => RESPONSE_DELAYS_MS.map((delay) => ({ variant, delay })));
    const throughput = new Map<string, Record<ProducerMetric, number>[]>();
    const latency = new Map<string, Record<LatencyMetric, number>[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const config of rotate(configs, round, 3)) {
        const run = await runOnce(sink, endpoint, config, "full-speed", options);
        push(throughput, config, throughputMetrics(run.result, run.counters, run.endpointCpuMicros));
        options.log(
          `  round ${round + 1} ${config.variant}@${config.delay}ms: ` +
            `${Math.round(run.counters.userRecords / (run.result.elapsedMs / 1000))} tweets/s`,
        );
      }
    }
    // The seed design cannot keep up with 1,000 tweets/s at 10 ms (it does ~90), so its latency only says
    // "falls behind": one round of it is enough.
    const paced = configs.filter((c) => c.variant !== "ceiling");
    for (let round = 0; round < options.latencyRounds; round++) {
      const thisRound = round === 0 ? paced : paced.filter((c) => c.variant !== "seed");
      for (const config of rotate(thisRound, round, 2)) {
        const run = await runOnce(sink, endpoint, config, "paced", options);
        push(latency, config, {
          latencyP50Ms: run.result.latencyP50Ms ?? Number.POSITIVE_INFINITY,
          latencyP99Ms: run.result.latencyP99Ms ?? Number.POSITIVE_INFINITY,
          acknowledgedShare: 1 - run.result.unacknowledged / Math.max(1, run.result.dueTweets),
        });
        options.log(
          `  latency round ${round + 1} ${config.variant}@${config.delay}ms: ` +
            `p50 ${fmt(run.result.latencyP50Ms)} p99 ${fmt(run.result.latencyP99Ms)} ms`,
        );
      }
    }
    return configs.map((config) => {
      const row: ProducerRow = {
        variant: config.variant,
        responseDelayMs: config.delay,
        throughput: spreadByField(throughput.get(key(config)) ?? [], PRODUCER_METRICS),
      };
      const samples = latency.get(key(config));
      if (samples) row.latency = latencySpread(samples);
      return row;
    });
  } finally {
    await sink.stop();
  }
}

export async function startKinesisSink(options: Pick<ProducerBenchOptions, "children" | "pin">) {
  const sink = await spawnBenchChild(options.children["kinesis-sink"], options.pin ? { core: 1 } : {});
  const { endpoint } = await sink.ask<{ endpoint: string }>({ type: "endpoint" });
  return { sink, endpoint };
}

/**
 * The V8 flags the container's ENTRYPOINT runs the producer with (see Dockerfile), so the bench measures the
 * memory of what ships: a smaller young generation keeps peak RSS down at no measured CPU cost.
 */
const PRODUCER_NODE_ARGS = ["--max-semi-space-size=8"];

/** One producer process: warm-up pass, then the measured pass, with the endpoint's counts of the latter. */
export async function runOnce(
  sink: BenchChild,
  endpoint: string,
  config: Config,
  mode: ProducerRunRequest["mode"],
  options: ProducerBenchOptions,
): Promise<{ result: ProducerRunResult; counters: SinkCounters; endpointCpuMicros: number }> {
  const producer = await spawnBenchChild(options.children.producer, {
    ...(options.pin ? { core: 0 } : {}),
    nodeArgs: [...PRODUCER_NODE_ARGS, ...(options.nodeArgs ?? [])],
  });
  try {
    const request: ProducerRunRequest = {
      type: "prepare",
      variant: config.variant,
      endpoint,
      wireFile: options.wireFile,
      mode,
      maxTweets: options.fullSpeedTweets,
      // The seed design at 10 ms does about 100 tweets/s: its runs are bounded by time alone.
      maxMs:
        mode === "paced" ? options.pacedMs : config.variant === "seed" ? SEED_RUN_MS : options.fullSpeedMaxMs,
      ...warmup(config.variant, mode),
      tweetsPerSecond: PACED_TWEETS_PER_SECOND,
      // Paced: tweets not acknowledged within a second after the last one count as never acknowledged.
      drainGraceMs: mode === "paced" ? 1000 : 30_000,
    };
    // The warm-up runs against immediate responses whatever the measured delay: JIT compilation only
    // needs calls, and the seed design at 10 ms would need half a minute for its 3,000.
    await sink.ask({ type: "reset", responseDelayMs: 0 });
    await producer.ask({ ...request });
    await sink.ask({ type: "reset", responseDelayMs: config.delay });
    const result = await producer.ask<ProducerRunResult>({ type: "measure" });
    const read = await sink.ask<{ counters: SinkCounters; cpuMicros: number }>({ type: "read" });
    if (read.counters.rejectedCalls > 0) {
      throw new Error(`the endpoint rejected ${config.variant}'s requests: ${read.counters.lastRejection}`);
    }
    if (read.counters.invalidPayloads > 0) {
      throw new Error(`${config.variant} sent invalid payloads: ${read.counters.firstInvalidPayload}`);
    }
    if (mode === "full-speed" && read.counters.userRecords !== result.fedTweets) {
      throw new Error(
        `${config.variant}: ${result.fedTweets} tweets fed but ${read.counters.userRecords} reached the endpoint`,
      );
    }
    return { result, counters: read.counters, endpointCpuMicros: read.cpuMicros };
  } finally {
    await producer.stop();
  }
}

/**
 * V8 keeps optimizing for a while: the seed design's PutRecord costs ~1.5 ms of CPU for the first thousand
 * calls and ~0.65 ms after 6,000; the batched pipeline needs some 40,000 tweets before its CPU per tweet
 * settles. Paced runs at 1,000 tweets/s use a few percent of a core, so a short warm-up does there,
 * except for the seed design, which needs its warm per-call cost to keep up at all.
 */
function warmup(variant: ProducerVariantName, mode: ProducerRunRequest["mode"]) {
  if (variant === "seed") return { warmupTweets: 6000, warmupMs: 5000 };
  return mode === "paced"
    ? { warmupTweets: 10_000, warmupMs: 500 }
    : { warmupTweets: 40_000, warmupMs: 1500 };
}

function throughputMetrics(
  result: ProducerRunResult,
  counters: SinkCounters,
  endpointCpuMicros: number,
): Record<ProducerMetric, number> {
  const tweets = counters.userRecords;
  const seconds = result.elapsedMs / 1000;
  return {
    tweetsPerSecond: tweets / seconds,
    cpuMicrosPerTweet: result.cpuMicros / tweets,
    callsPer1000Tweets: ((counters.putRecordsCalls + counters.putRecordCalls) * 1000) / tweets,
    kinesisRecordsPer1000Tweets: (counters.records * 1000) / tweets,
    provisionedPutUnitsPer1MTweets: (counters.provisionedPutUnits * 1e6) / tweets,
    onDemandBilledGiBPer1MTweets: (counters.onDemandBilledBytes * 1e6) / tweets / GiB,
    peakRssMB: result.peakRssBytes / MB,
    baselineRssMB: result.baselineRssBytes / MB,
    endpointCpuShare: endpointCpuMicros / 1e6 / seconds,
  };
}

function latencySpread(samples: Record<LatencyMetric, number>[]): Record<LatencyMetric, Spread> {
  const out = {} as Record<LatencyMetric, Spread>;
  for (const metric of LATENCY_METRICS) out[metric] = spread(samples.map((s) => s[metric]));
  return out;
}

const key = (c: Config) => `${c.variant}@${c.delay}`;

function push<T>(map: Map<string, T[]>, config: Config, value: T): void {
  const list = map.get(key(config)) ?? [];
  list.push(value);
  map.set(key(config), list);
}

const fmt = (v: number | null) => (v === null ? "∞" : v.toFixed(0));
