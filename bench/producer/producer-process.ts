import { readFileSync } from "node:fs";
import { cutIntoChunks, cutPerMessage } from "../input/x-wire.js";
import { serveParent } from "../lib/child.js";
import { quantile } from "../lib/stats.js";
import { type FeedOutcome, feedAtFullSpeed, feedAtRate } from "./feed-loops.js";
import type { ProducerPipeline } from "./variant.js";
import { PRODUCER_VARIANTS, type ProducerVariantName } from "./variants.js";

/** What the runner asks of one producer process: one variant, warmed up, then measured once. */
export interface ProducerRunRequest {
  type: "prepare";
  variant: ProducerVariantName;
  endpoint: string;
  wireFile: string;
  mode: "full-speed" | "paced";
  maxTweets: number;
  maxMs: number;
  warmupTweets: number;
  warmupMs: number;
  /** Paced mode only. */
  tweetsPerSecond: number;
  drainGraceMs: number;
}

export interface ProducerRunResult {
  type: "result";
  fedTweets: number;
  dueTweets: number;
  ackedTweets: number;
  elapsedMs: number;
  drained: boolean;
  cpuMicros: number;
  peakRssBytes: number;
  /** RSS once modules and input were loaded, before any pipeline ran. */
  baselineRssBytes: number;
  /** Paced mode: receive-to-acknowledge latency; tweets never acknowledged count as infinitely late. */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  unacknowledged: number;
}

let request: ProducerRunRequest | undefined;
let wireBody = Buffer.alloc(0);
let baselineRssBytes = 0;
let acked = 0;
let latencies: number[] | undefined;

// Child process entry. "prepare" loads the input and warms a first pipeline up (JIT, sockets), then
// throws it away; "measure" builds a fresh pipeline of the same variant and runs the measured pass on it.
serveParent(async (message) => {
  if (message.type === "prepare") return prepare(message as unknown as ProducerRunRequest);
  if (message.type === "measure") return measure();
  throw new Error(`unknown message ${String(message.type)}`);
});

function createPipeline(req: ProducerRunRequest): Promise<ProducerPipeline> {
  return PRODUCER_VARIANTS[req.variant]({
    endpoint: req.endpoint,
    streamName: "bench",
    region: "us-east-1",
    wireBody,
    onAck: (latencyMs, count) => {
      acked += count;
      if (latencies !== undefined) for (let i = 0; i < count; i++) latencies.push(latencyMs);
    },
  });
}

async function prepare(req: ProducerRunRequest): Promise<object> {
  request = req;
  wireBody = readFileSync(req.wireFile);
  baselineRssBytes = process.memoryUsage().rss;
  const pipeline = await createPipeline(req);
  const budget = { maxTweets: req.warmupTweets, maxMs: req.warmupMs };
  await feedAtFullSpeed(pipeline, cutIntoChunks(wireBody), budget, req.drainGraceMs);
  return { type: "prepared", warmupAcked: acked };
}

async function measure(): Promise<ProducerRunResult> {
  if (request === undefined) throw new Error("measure before prepare");
  const req = request;
  const chunks = req.mode === "paced" ? cutPerMessage(wireBody) : cutIntoChunks(wireBody);
  const pipeline = await createPipeline(req);
  acked = 0;
  if (req.mode === "paced") latencies = [];
  const cpuBefore = process.cpuUsage();
  const outcome: FeedOutcome =
    req.mode === "paced"
      ? await feedAtRate(pipeline, chunks, req.tweetsPerSecond, req.maxMs, req.drainGraceMs)
      : await feedAtFullSpeed(
          pipeline,
          chunks,
          { maxTweets: req.maxTweets, maxMs: req.maxMs },
          req.drainGraceMs,
        );
  const cpu = process.cpuUsage(cpuBefore);
  const samples = latencies ?? [];
  latencies = undefined;
  const unacknowledged = Math.max(0, outcome.dueTweets - samples.length);
  const all = samples.concat(new Array<number>(unacknowledged).fill(Number.POSITIVE_INFINITY));
  all.sort((a, b) => a - b);
  const paced = req.mode === "paced";
  return {
    type: "result",
    fedTweets: outcome.fedTweets,
    dueTweets: outcome.dueTweets,
    ackedTweets: acked,
    elapsedMs: outcome.elapsedMs,
    drained: outcome.drained,
    cpuMicros: cpu.user + cpu.system,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    baselineRssBytes,
    latencyP50Ms: paced ? finiteOrNull(quantile(all, 0.5)) : null,
    latencyP99Ms: paced ? finiteOrNull(quantile(all, 0.99)) : null,
    unacknowledged: paced ? unacknowledged : 0,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
