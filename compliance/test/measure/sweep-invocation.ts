// One sweep as Lambda runs it, in a process of its own so its peak memory is the sweeper's alone: the real
// handler module, its configuration from the environment (set by sweep-bench.ts), a 15-minute context.
// Prints one line: `RESULT <json>` with the summary, the wall time and the process's peak RSS.
import { lambdaContext } from "../../../local/esm-runner/stream-record.js";
import { handler } from "../../handler.js";

const TIMEOUT_MS = Number(process.env.MEASURE_TIMEOUT_MS ?? 900_000);
const started = performance.now();
const summary = await handler({}, lambdaContext("tweetstream-ComplianceSweeper", TIMEOUT_MS, "us-east-1"));
const result = {
  ms: Math.round(performance.now() - started),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  summary,
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
