import { describe, expect, it } from "vitest";
import { spread } from "../lib/stats.js";
import {
  type BenchResults,
  PROCESSOR_METRICS,
  PRODUCER_METRICS,
  type ProcessorRow,
  type ProducerRow,
} from "../report/results.js";
import { producerChart } from "../report/svg-chart.js";
import { checkTargets } from "../report/targets.js";

type Figures = Partial<Record<(typeof PRODUCER_METRICS)[number], number>> & { p99?: number };

function producerRow(variant: string, delay: number, figures: Figures): ProducerRow {
  const throughput = {} as ProducerRow["throughput"];
  for (const metric of PRODUCER_METRICS) throughput[metric] = spread([figures[metric] ?? 1]);
  const row: ProducerRow = { variant, responseDelayMs: delay, throughput };
  if (figures.p99 !== undefined) {
    row.latency = {
      latencyP50Ms: spread([figures.p99 / 2]),
      latencyP99Ms: spread([figures.p99]),
      acknowledgedShare: spread([1]),
    };
  }
  return row;
}

function processorRow(format: "plain" | "aggregated", batchTweets: number, rate: number, requests: number) {
  const metrics = {} as ProcessorRow["metrics"];
  for (const metric of PROCESSOR_METRICS) metrics[metric] = spread([1]);
  metrics.recordsPerSecond = spread([rate]);
  metrics.dynamoDbRequestsPer1000Records = spread([requests]);
  return {
    format,
    batchTweets,
    kinesisRecordsPerBatch: batchTweets,
    endpoint: "counting",
    metrics,
  } as ProcessorRow;
}

/** A run that meets every target, which each test then breaks in one place. */
function passingRun() {
  const good = { callsPer1000Tweets: 2, peakRssMB: 120, p99: 120 };
  const producer = [
    producerRow("seed", 0, { tweetsPerSecond: 1000, provisionedPutUnitsPer1MTweets: 1e6 }),
    producerRow("seed", 10, { tweetsPerSecond: 90, provisionedPutUnitsPer1MTweets: 1e6 }),
    producerRow("batched", 0, { ...good, tweetsPerSecond: 60_000 }),
    producerRow("batched", 10, { ...good, tweetsPerSecond: 50_000 }),
    producerRow("aggregated", 0, {
      ...good,
      tweetsPerSecond: 60_000,
      provisionedPutUnitsPer1MTweets: 20_000,
    }),
    producerRow("aggregated", 10, { ...good, tweetsPerSecond: 60_000 }),
    producerRow("ceiling", 0, { tweetsPerSecond: 100_000 }),
    producerRow("ceiling", 10, { tweetsPerSecond: 100_000 }),
  ];
  // The original's logic beside it: twice the CPU per record (1 µs in processorRow) and a slower cold start.
  const original = { ...processorRow("plain", 1000, 20_000, 40), handler: "original logic" as const };
  original.metrics = { ...original.metrics, cpuMicrosPerRecord: spread([2]) };
  const processor: BenchResults["processor"] = {
    rows: [processorRow("plain", 1000, 25_000, 40), processorRow("aggregated", 10_000, 30_000, 40), original],
    bundleBytes: 500 * 1024,
    coldStartMs: spread([120]),
    coldStartLoadMs: spread([70]),
    coldStartFirstBatchMs: spread([50]),
    coldStartNote: "",
    original: {
      bundleBytes: 300 * 1024,
      coldStartMs: spread([130]),
      coldStartLoadMs: spread([80]),
      coldStartFirstBatchMs: spread([50]),
    },
  };
  return { producer, processor };
}

const failing = (checks: ReturnType<typeof checkTargets>) => checks.filter((c) => !c.pass).map((c) => c.id);

describe("checkTargets", () => {
  it("passes a run that meets every target", () => {
    const { producer, processor } = passingRun();
    expect(failing(checkTargets(producer, processor))).toEqual([]);
  });

  it("fails the batched rate at 0 ms and its share of the ceiling when batched is slow", () => {
    const { producer, processor } = passingRun();
    producer[2] = producerRow("batched", 0, {
      tweetsPerSecond: 45_000,
      callsPer1000Tweets: 2,
      peakRssMB: 1,
      p99: 1,
    });
    expect(failing(checkTargets(producer, processor))).toEqual([
      "batched-0ms-rate",
      "batched-vs-ceiling-0ms",
    ]);
  });

  it("counts a latency run that never acknowledged its tweets as a failure", () => {
    const { producer, processor } = passingRun();
    producer[5] = producerRow("aggregated", 10, {
      tweetsPerSecond: 60_000,
      callsPer1000Tweets: 2,
      peakRssMB: 1,
    });
    expect(failing(checkTargets(producer, processor))).toEqual(["aggregated-p99-latency"]);
  });

  it("judges the processor on its slowest large batch and its chattiest batch", () => {
    const { producer, processor } = passingRun();
    processor.rows.push(processorRow("plain", 10_000, 19_000, 41.5), processorRow("plain", 100, 5_000, 40));
    expect(failing(checkTargets(producer, processor))).toEqual([
      "processor-rate",
      "processor-dynamodb-requests",
    ]);
  });

  it("holds the processor to half the original logic's CPU per record and to its cold start", () => {
    const { producer, processor } = passingRun();
    const ours = processor.rows[0] as ProcessorRow;
    ours.metrics = { ...ours.metrics, cpuMicrosPerRecord: spread([1.1]) };
    processor.coldStartMs = spread([131]);
    expect(failing(checkTargets(producer, processor))).toEqual([
      "processor-cpu-vs-original",
      "processor-cold-start-vs-original",
    ]);
  });
});

describe("producerChart", () => {
  it("draws one bar per variant and response time, labelled with its median", () => {
    const { producer } = passingRun();
    const svg = producerChart(producer, "tweets/s <&>");
    expect(svg.match(/<rect x=/g)).toHaveLength(8 + 2);
    expect(svg).toContain(">60k<");
    expect(svg).toContain("tweets/s &lt;&amp;&gt;");
  });
});
