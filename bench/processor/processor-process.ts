import { pathToFileURL } from "node:url";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { lambdaContext } from "../../local/esm-runner/stream-record.js";
import { serveParent } from "../lib/child.js";
import { aggregatedBatch, type EncodedTweet, plainBatch, readTweets } from "./lambda-batches.js";

type Handler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

export interface ProcessorMeasureRequest {
  type: "measure";
  format: "plain" | "aggregated";
  /** Tweets per Lambda batch. */
  batchTweets: number;
  /** Batches handled one after another in this measurement (so small batches are timed over many). */
  batches: number;
}

export interface ProcessorMeasureResult {
  type: "result";
  tweets: number;
  kinesisRecords: number;
  elapsedMs: number;
  cpuMicros: number;
  failures: number;
}

// Lambda gives a function up to 15 minutes; the bench only needs the deadline to never interfere.
const TIMEOUT_MS = 900_000;
let handler: Handler | undefined;
let tweets: EncodedTweet[] = [];
let cursor = 0;

// Child process entry: loads the processor bundle once (env already points it at the DynamoDB endpoint),
// then handles Lambda-shaped batches on request, one measurement at a time.
serveParent(async (message) => {
  if (message.type === "load") {
    tweets = readTweets(String(message.tweetsFile));
    const module = (await import(pathToFileURL(String(message.bundle)).href)) as { handler: Handler };
    handler = module.handler;
    return { type: "loaded" };
  }
  if (message.type === "measure") return measure(message as unknown as ProcessorMeasureRequest);
  throw new Error(`unknown message ${String(message.type)}`);
});

async function measure(req: ProcessorMeasureRequest): Promise<ProcessorMeasureResult> {
  if (handler === undefined) throw new Error("measure before load");
  const build = req.format === "plain" ? plainBatch : aggregatedBatch;
  // Built before the clock starts: Lambda hands the function an already parsed event.
  const events: KinesisStreamEvent[] = [];
  for (let b = 0; b < req.batches; b++) {
    events.push(build(tweets, cursor, req.batchTweets));
    cursor = (cursor + req.batchTweets) % tweets.length;
  }
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const event of events) {
    const response = await handler(event, lambdaContext("bench-processor", TIMEOUT_MS, "us-east-1"));
    failures += response.batchItemFailures.length;
  }
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    type: "result",
    tweets: req.batchTweets * req.batches,
    kinesisRecords: events.reduce((sum, event) => sum + event.Records.length, 0),
    elapsedMs,
    cpuMicros: cpu.user + cpu.system,
    failures,
  };
}
