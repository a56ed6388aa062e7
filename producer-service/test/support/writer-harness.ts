import { Writable } from "node:stream";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { type Logger, pino } from "pino";
import type { Metric } from "prom-client";
import type { TweetEvent } from "../../../events/index.js";
import { createKinesisClient } from "../../kinesis/client.js";
import { KinesisWriter, type KinesisWriterOptions } from "../../kinesis/kinesis-writer.js";
import { createMetrics, type ProducerMetrics } from "../../metrics.js";
import { TEST_CREDENTIALS } from "./kinesis-stream.js";

export interface WriterUnderTest {
  writer: KinesisWriter;
  metrics: ProducerMetrics;
  client: KinesisClient;
}

export function kinesisClient(endpoint: string, requestTimeoutMs = 5_000): KinesisClient {
  return createKinesisClient({
    region: "us-east-1",
    requestTimeoutMs,
    maxSockets: 16,
    endpoint,
    credentials: TEST_CREDENTIALS,
  });
}

/** A writer with the service's defaults, fast backoffs, and whatever a test overrides. */
export function startWriter(
  endpoint: string,
  { logger, ...options }: Partial<KinesisWriterOptions> & { requestTimeoutMs?: number; logger?: Logger } = {},
): WriterUnderTest {
  const metrics = createMetrics();
  const client = kinesisClient(endpoint, options.requestTimeoutMs);
  const writer = new KinesisWriter(client, metrics, logger ?? pino({ level: "silent" }), {
    target: { StreamName: "test" },
    maxRecords: 500,
    maxBytes: 5 * 1024 * 1024,
    lingerMs: 20,
    maxInFlight: 4,
    bufferMaxBytes: 32 * 1024 * 1024,
    partitionKey: "tweet",
    aggregation: false,
    retryBackoff: { baseMs: 5, maxMs: 50 },
    throttleBackoff: { baseMs: 5, maxMs: 50 },
    ...options,
  });
  return { writer, metrics, client };
}

/** Pushes like the ingest does: when the writer says the buffer is full, wait for room before going on. */
export async function pushAll(writer: KinesisWriter, events: readonly TweetEvent[]): Promise<void> {
  for (const event of events) {
    if (!writer.push(event, Date.now())) await writer.waitForRoom();
  }
}

/** The value of one series of a counter or gauge (0 when the series does not exist). */
export async function metricValue(metric: Metric, labels: Record<string, string> = {}): Promise<number> {
  const data = await metric.get();
  const series = data.values.find((v) =>
    Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return series?.value ?? 0;
}

/** Count and sum of a histogram. */
export async function histogramOf(metric: Metric): Promise<{ count: number; sum: number }> {
  const data = await metric.get();
  const named = (suffix: string) =>
    data.values.find((v) => (v as { metricName?: string }).metricName?.endsWith(suffix))?.value ?? 0;
  const count = named("_count");
  const sum = named("_sum");
  return { count, sum };
}

/** A logger whose lines (parsed) land in `lines`, for tests that assert what was said. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}
