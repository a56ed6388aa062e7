import type { Spread } from "../lib/stats.js";

export const PRODUCER_METRICS = [
  "tweetsPerSecond",
  "cpuMicrosPerTweet",
  "callsPer1000Tweets",
  "kinesisRecordsPer1000Tweets",
  "provisionedPutUnitsPer1MTweets",
  "onDemandBilledGiBPer1MTweets",
  "peakRssMB",
  /** RSS with modules and input loaded, before any pipeline ran: what the peak adds to. */
  "baselineRssMB",
  /** CPU the counting endpoint used, as a share of one core: near 1 means it, not the producer, was the limit. */
  "endpointCpuShare",
] as const;
export type ProducerMetric = (typeof PRODUCER_METRICS)[number];

export const LATENCY_METRICS = ["latencyP50Ms", "latencyP99Ms", "acknowledgedShare"] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

export interface ProducerRow {
  variant: string;
  responseDelayMs: number;
  throughput: Record<ProducerMetric, Spread>;
  /** Absent for the transport ceiling, which has no ingest to be paced. */
  latency?: Record<LatencyMetric, Spread>;
}

export const PROCESSOR_METRICS = [
  "recordsPerSecond",
  "cpuMicrosPerRecord",
  "dynamoDbRequestsPer1000Records",
  /** CPU the DynamoDB endpoint used, as a share of one core: near 1 means it was the limit. */
  "endpointCpuShare",
] as const;
export type ProcessorMetric = (typeof PROCESSOR_METRICS)[number];

export interface ProcessorRow {
  format: "plain" | "aggregated";
  /** Tweets per Lambda batch (plain: also Kinesis records per batch). */
  batchTweets: number;
  kinesisRecordsPerBatch: number;
  endpoint: "counting" | "dynalite";
  /** Set on the rows of the original's logic (bench/processor/original-logic.ts), measured beside the processor. */
  handler?: "original logic";
  metrics: Record<ProcessorMetric, Spread>;
}

export interface ColdStart {
  bundleBytes: number;
  coldStartMs: Spread;
  coldStartLoadMs: Spread;
  coldStartFirstBatchMs: Spread;
}

export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface BenchResults {
  generatedAt: string;
  durationSeconds: number;
  environment: {
    node: string;
    cpu: string;
    cores: number;
    pinned: boolean;
    commit: string;
  };
  method: {
    rounds: number;
    latencyRounds: number;
    note: string;
  };
  input: {
    distinctTweets: number;
    averageWireBytesPerTweet: number;
    averageEventBytesPerTweet: number;
    nonAsciiTweetShare: number;
  };
  producer: ProducerRow[];
  processor: {
    rows: ProcessorRow[];
    bundleBytes: number;
    coldStartMs: Spread;
    coldStartLoadMs: Spread;
    coldStartFirstBatchMs: Spread;
    coldStartNote: string;
    /** The original's logic, bundled and cold-started the same way. */
    original?: ColdStart;
  };
  targets: TargetCheck[];
}
