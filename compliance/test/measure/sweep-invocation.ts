// One sweep as Lambda runs it, in a process of its own so its peak memory is the sweeper's alone: the real
// handler module, its configuration from the environment (set by sweep-bench.ts), a 15-minute context.
// Prints one line: `RESULT <json>` with the summary, the wall time, the process's peak RSS and peak heap used.
import { lambdaContext } from "../../../local/esm-runner/stream-record.js";
import { handler } from "../../handler.js";

const TIMEOUT_MS = Number(process.env.MEASURE_TIMEOUT_MS ?? 900_000);
// Heap in use, sampled: RSS alone does not say how much of it V8 would give back under a Lambda's memory limit.
let peakHeapUsed = 0;
// The process's memory by kind when its RSS was highest: heap, external (Buffers), and the rest (native).
let atPeakRss = process.memoryUsage();
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  peakHeapUsed = Math.max(peakHeapUsed, now.heapUsed);
  if (now.rss > atPeakRss.rss) atPeakRss = now;
}, 50);
const started = performance.now();
const summary = await handler({}, lambdaContext("tweetstream-ComplianceSweeper", TIMEOUT_MS, "us-east-1"));
const result = {
  ms: Math.round(performance.now() - started),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  peakHeapUsedMb: Math.round(peakHeapUsed / 1e6),
  atPeakRssMb: Object.fromEntries(
    Object.entries(atPeakRss).map(([kind, bytes]) => [kind, Math.round(bytes / 1e6)]),
  ),
  summary,
};
clearInterval(sampler);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
// The same line on stderr, which the bench passes through: each sweep's figures stay in its log.
process.stderr.write(
  `sweep: ${JSON.stringify({ ...result, summary: undefined, readUnits: summary.readUnits })}\n`,
);
