// One sweep as Lambda runs it, in a process of its own so its memory is the sweeper's alone: the real handler
// module, its configuration from the environment (set by sweep-bench.ts), a 15-minute context. Prints one line:
// `RESULT <json>` with the summary, the wall time, the peak RSS and the peak heap used.
import { Worker } from "node:worker_threads";
import { lambdaContext } from "../../../local/esm-runner/stream-record.js";
import { handler } from "../../handler.js";

// RSS is sampled every 20 ms by a worker thread, which the sweep's synchronous work cannot hold up. Not
// getrusage's maxRSS: on Linux a spawned process starts with the RSS high-water mark of the process it was
// forked from (here the bench, holding dynalite's whole table), so maxRSS reported the bench, not the sweep.
const sampler = new Worker(
  `const { parentPort } = require("node:worker_threads");
   let peak = 0;
   const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
   parentPort.once("message", () => { clearInterval(timer); parentPort.postMessage(peak); });`,
  { eval: true },
);
let peakHeapUsed = 0;
const heapTimer = setInterval(() => {
  peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
}, 50);

const TIMEOUT_MS = Number(process.env.MEASURE_TIMEOUT_MS ?? 900_000);
const started = performance.now();
const summary = await handler({}, lambdaContext("tweetstream-ComplianceSweeper", TIMEOUT_MS, "us-east-1"));
const ms = Math.round(performance.now() - started);
clearInterval(heapTimer);
sampler.postMessage("done");
const peakRss = await new Promise<number>((resolve) => sampler.once("message", resolve));
await sampler.terminate();
const result = {
  ms,
  peakRssMb: Math.round(peakRss / 1e6),
  peakHeapUsedMb: Math.round(peakHeapUsed / 1e6),
  summary,
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
// The same figures on stderr, which the bench passes through: each sweep's stay in its log.
process.stderr.write(
  `sweep: ${JSON.stringify({ ...result, summary: undefined, readUnits: summary.readUnits })}\n`,
);
