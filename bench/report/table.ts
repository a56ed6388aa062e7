import type { Spread } from "../lib/stats.js";
import type { BenchResults, ProcessorRow, ProducerRow, TargetCheck } from "./results.js";

export const VARIANT_LABELS: Record<string, string> = {
  seed: "seed design (PutRecord per tweet)",
  batched: "batched (producer defaults)",
  aggregated: "batched + aggregated",
  ceiling: "transport ceiling",
};

function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Median with its spread over the rounds: `median (min–max)`. */
function withSpread(s: Spread, digits = 0): string {
  if (s.n === 0 || !Number.isFinite(s.median)) return "—";
  if (s.n === 1 || s.min === s.max) return num(s.median, digits);
  return `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

/** A Markdown table with padded columns, as Biome formats Markdown, so it can be pasted as it is. */
function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function producerTable(rows: readonly ProducerRow[]): string {
  return markdown(
    [
      "variant",
      "response",
      "tweets/s",
      "CPU µs/tweet",
      "calls/1k tweets",
      "Kinesis records/1k",
      "PUT units/1M (provisioned)",
      "GiB billed/1M (on-demand)",
      "p50 ms @1k/s",
      "p99 ms @1k/s",
      "peak RSS MB (baseline)",
    ],
    rows.map((r) => {
      const t = r.throughput;
      const acked = r.latency?.acknowledgedShare.median ?? 1;
      const behind = acked < 0.99 ? ` (${num(acked * 100)}% acked)` : "";
      return [
        VARIANT_LABELS[r.variant] ?? r.variant,
        `${r.responseDelayMs} ms`,
        withSpread(t.tweetsPerSecond),
        num(t.cpuMicrosPerTweet.median, 1),
        num(t.callsPer1000Tweets.median, 2),
        num(t.kinesisRecordsPer1000Tweets.median, 1),
        num(t.provisionedPutUnitsPer1MTweets.median),
        num(t.onDemandBilledGiBPer1MTweets.median, 3),
        r.latency ? num(r.latency.latencyP50Ms.median) : "n/a",
        r.latency ? `${withSpread(r.latency.latencyP99Ms)}${behind}` : "n/a",
        `${num(t.peakRssMB.median)} (${num(t.baselineRssMB.median)})`,
      ];
    }),
  );
}

export function processorTable(processor: BenchResults["processor"]): string {
  const table = markdown(
    [
      "batch",
      "Kinesis records/batch",
      "DynamoDB endpoint",
      "records/s",
      "CPU µs/record",
      "DynamoDB requests/1k",
      "endpoint CPU (cores)",
    ],
    processor.rows.map((r: ProcessorRow) => [
      `${r.handler === undefined ? "" : `${r.handler}: `}${r.format} ${num(r.batchTweets)}`,
      num(r.kinesisRecordsPerBatch),
      r.endpoint,
      withSpread(r.metrics.recordsPerSecond),
      num(r.metrics.cpuMicrosPerRecord.median, 1),
      num(r.metrics.dynamoDbRequestsPer1000Records.median, 1),
      num(r.metrics.endpointCpuShare.median, 2),
    ]),
  );
  const cold =
    `bundle ${num(processor.bundleBytes / 1024)} KB; cold start ${withSpread(processor.coldStartMs)} ms ` +
    `(load ${num(processor.coldStartLoadMs.median)} ms + first batch ${num(processor.coldStartFirstBatchMs.median)} ms)`;
  const original = processor.original;
  const originalCold = original
    ? `; original logic: bundle ${num(original.bundleBytes / 1024)} KB, cold start ${withSpread(original.coldStartMs)} ms ` +
      `(load ${num(original.coldStartLoadMs.median)} ms + first batch ${num(original.coldStartFirstBatchMs.median)} ms)`
    : "";
  return `${table}\n\n${cold}${originalCold}`;
}

export function targetTable(targets: readonly TargetCheck[]): string {
  return markdown(
    ["target", "measured", "result"],
    targets.map((t) => [t.target, t.measured, t.pass ? "PASS" : "FAIL"]),
  );
}
