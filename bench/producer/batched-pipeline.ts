import { once } from "node:events";
import { Readable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { loadConfig } from "../../producer-service/config.js";
import { ingestMetrics } from "../../producer-service/ingest-metrics.js";
import { createKinesisClient } from "../../producer-service/kinesis/client.js";
import { KinesisWriter } from "../../producer-service/kinesis/kinesis-writer.js";
import { createLogger } from "../../producer-service/logger.js";
import { createMetrics } from "../../producer-service/metrics.js";
import { PostIntake } from "../../producer-service/x-stream/post-intake.js";
import { EDGE_MARGIN_MS } from "../../producer-service/x-stream/recovery/recovery-plan.js";
import { StreamReader } from "../../producer-service/x-stream/stream-reader.js";
import { DurableWatermark } from "../../producer-service/x-stream/watermark/durable-watermark.js";
import type { ProducerPipeline, VariantContext } from "./variant.js";

const DRAIN_GRACE_MS = 30_000;
const STALL_TIMEOUT_MS = 30_000;

/**
 * The producer's own pipeline, as its plugins assemble it: configuration from the same environment
 * parsing (defaults), its Kinesis client and writer, and its stream reader (line splitter, message parser,
 * backpressure by pausing the body) reading a stream body the bench pushes network reads into. Only the
 * HTTP connection to X is left out.
 */
export async function batchedPipeline(
  context: VariantContext,
  options: { aggregation: boolean },
): Promise<ProducerPipeline> {
  const config = loadConfig({
    X_BEARER_TOKEN: "bench",
    KINESIS_STREAM_NAME: context.streamName,
    AWS_REGION: context.region,
    AWS_ENDPOINT_URL_KINESIS: context.endpoint,
    AGGREGATION: options.aggregation ? "on" : "off",
  });
  const client = createKinesisClient({
    region: config.kinesis.region,
    requestTimeoutMs: config.kinesis.requestTimeoutMs,
    maxSockets: config.batch.maxInFlight + 1,
    endpoint: context.endpoint,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  const metrics = createMetrics();
  const logger = createLogger(config.server.logLevel);
  // The writer reports each acknowledgement to this histogram with the latency it computed itself; the
  // bench listens in without changing what the histogram records.
  const histogram = metrics.ackLatency;
  const observe = histogram.observe.bind(histogram) as (seconds: number) => void;
  histogram.observe = ((seconds: number) => {
    observe(seconds);
    context.onAck(seconds * 1000, 1);
  }) as typeof histogram.observe;
  const writer = new KinesisWriter(client, metrics, logger, {
    ...config.batch,
    target: config.kinesis.target,
  });

  const body = new Readable({ read: () => undefined });
  // Every post goes through the intake as in the service (counting, the watermark's outcomes). Without
  // de-duplication, as with X_RECOVERY=off: the bench's input repeats its posts.
  const report = ingestMetrics(metrics);
  const intake = new PostIntake({
    sink: writer,
    report,
    deduplicate: false,
    watermark: new DurableWatermark(undefined, EDGE_MARGIN_MS),
  });
  const reader = new StreamReader({
    accept: (event, receivedAtMs) => intake.accept(event, "stream", receivedAtMs),
    waitForRoom: () => writer.waitForRoom(),
    report,
    logger,
    stallTimeoutMs: STALL_TIMEOUT_MS,
  });
  const reading = reader.read({ body, close: () => body.destroy() });
  return {
    feed(chunk) {
      body.push(chunk);
      return body.isPaused() || body.readableLength > 0 ? untilFlowing(body) : undefined;
    },
    async drain() {
      body.push(null);
      await reading;
      const summary = await writer.close(DRAIN_GRACE_MS);
      client.destroy();
      if (summary.unsentRecords > 0)
        throw new Error(`${summary.unsentRecords} records were not acknowledged`);
    },
  };
}

/** The reader paused the body (the writer's buffer is full): wait until it reads again and has caught up. */
async function untilFlowing(body: Readable): Promise<void> {
  while (body.isPaused() || body.readableLength > 0) {
    if (body.isPaused()) await once(body, "resume");
    else await nextTurn();
  }
}
