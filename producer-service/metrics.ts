import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { BILLING_REFUSALS, RECOVERY_SKIP_REASONS } from "./x-stream/ingest-events.js";

/** Label values of spool_state: the writer's spool states, which kinesis/spool-state.ts describes. */
export const SPOOL_STATES = ["memory", "spilling", "draining", "full", "broken"] as const;

/**
 * The producer's Prometheus metrics. A "tweet" is one event of the shared contract; a "record" is one tweet
 * on its way to Kinesis (with AGGREGATION=on several records travel in one Kinesis record, counted apart in
 * kinesis_records_put_total). Names are a contract with the dashboard and alert rules: change them together.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names three gauges with "_total", which `promtool check metrics` rejects (the suffix is for
  // counters). They count libuv handles and requests, of little use here: drop them, keep the rest.
  for (const name of [
    "nodejs_active_handles_total",
    "nodejs_active_requests_total",
    "nodejs_active_resources_total",
  ]) {
    registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const prefix = "tweetstream_producer_";

  /** Gauges read at scrape time, so the hot path never touches them. */
  const sources = {
    buffer: () => ({ records: 0, bytes: 0, maxBytes: 0 }),
    ready: () => false,
    /** Set only when SPOOL_DIR is: without a spool the gauges stay 0. */
    spool: (): {
      records: number;
      bytes: number;
      maxBytes: number;
      full: boolean;
      state?: string;
      readFailing?: boolean;
    } => ({
      records: 0,
      bytes: 0,
      maxBytes: 0,
      full: false,
    }),
  };

  /** A gauge whose value is read from a source at scrape time. */
  const sourcedGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });

  const metrics = {
    registry,
    sources,
    postsReceived: new Counter({
      name: `${prefix}tweets_received_total`,
      help: "Tweets read from the X stream.",
      registers,
    }),
    streamMessagesDropped: new Counter({
      name: `${prefix}stream_messages_dropped_total`,
      help: "Messages of the X stream that did not become a tweet event, by reason.",
      labelNames: ["reason"] as const,
      registers,
    }),
    recordsPut: new Counter({
      name: `${prefix}records_put_total`,
      help: "Records acknowledged by Kinesis.",
      registers,
    }),
    kinesisRecordsPut: new Counter({
      name: `${prefix}kinesis_records_put_total`,
      help: "Kinesis records acknowledged (equal to records_put_total unless AGGREGATION=on packs several records into one).",
      registers,
    }),
    recordsFailed: new Counter({
      name: `${prefix}records_failed_total`,
      help: "Records whose put attempt failed (each is retried unless dropped), by error code.",
      labelNames: ["code"] as const,
      registers,
    }),
    recordsDropped: new Counter({
      name: `${prefix}records_dropped_total`,
      help: "Records given up on, by reason: oversize (over 1 MiB), rejected (Kinesis refused it as invalid), shutdown (unsent at exit), spool_full (unsent at exit and the spool could not take it). A full or failed spool while running pauses X instead of dropping.",
      labelNames: ["reason"] as const,
      registers,
    }),
    possibleDuplicates: new Counter({
      name: `${prefix}possible_duplicates_total`,
      help: "Records sent again after a request whose outcome is unknown (timeout, connection lost), and posts a restart recovered that the previous process may have delivered after its last watermark write: they may be in the stream twice.",
      registers,
    }),
    putRequests: new Counter({
      name: `${prefix}put_requests_total`,
      help: "PutRecords calls by outcome: success, partial (some records failed), throttled, error.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    putDuration: new Histogram({
      name: `${prefix}put_duration_seconds`,
      help: "Duration of PutRecords calls.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    recordsPerRequest: new Histogram({
      name: `${prefix}records_per_request`,
      help: "Records carried by one PutRecords call.",
      buckets: [1, 10, 50, 100, 250, 400, 499, 500, 1000, 2500, 5000, 10000, 25000],
      registers,
    }),
    ackLatency: new Histogram({
      name: `${prefix}ack_latency_seconds`,
      help: "Time from reading a tweet off the X stream to Kinesis acknowledging its record.",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    throttleDelay: new Gauge({
      name: `${prefix}throttle_delay_seconds`,
      help: "Current pause the writer keeps between PutRecords calls because Kinesis throttled it (0 = full speed).",
      registers,
    }),
    bufferRecords: sourcedGauge(
      "buffer_records",
      "Records held by the producer: queued, waiting for a retry or in flight.",
      () => sources.buffer().records,
    ),
    bufferBytes: sourcedGauge(
      "buffer_bytes",
      "Bytes (data and partition keys) of the records held by the producer.",
      () => sources.buffer().bytes,
    ),
    bufferMaxBytes: sourcedGauge(
      "buffer_max_bytes",
      "BUFFER_MAX_BYTES: when buffer_bytes reaches it, reading from X pauses.",
      () => sources.buffer().maxBytes,
    ),
    recordsSpooled: new Counter({
      name: `${prefix}records_spooled_total`,
      help: "Records written to the spool (SPOOL_DIR) because the buffer was full, the spool held older records, or at shutdown.",
      registers,
    }),
    spoolRecords: sourcedGauge(
      "spool_records",
      "Records in the spool not yet acknowledged by Kinesis.",
      () => sources.spool().records,
    ),
    spoolBytes: sourcedGauge(
      "spool_bytes",
      "Bytes of the spool's segment files (what SPOOL_MAX_BYTES bounds).",
      () => sources.spool().bytes,
    ),
    spoolMaxBytes: sourcedGauge(
      "spool_max_bytes",
      "SPOOL_MAX_BYTES (0 without a spool).",
      () => sources.spool().maxBytes,
    ),
    spoolFull: sourcedGauge(
      "spool_full",
      "1 while the spool takes no records (SPOOL_MAX_BYTES reached or the disk full): they wait in memory and reading from X pauses.",
      () => (sources.spool().full ? 1 : 0),
    ),
    spoolReadFailing: sourcedGauge(
      "spool_read_failing",
      "1 while reading the spool fails (its records wait on disk; the reason is in /readyz and the error log).",
      () => (sources.spool().readFailing ? 1 : 0),
    ),
    spoolState: new Gauge({
      name: `${prefix}spool_state`,
      help: "1 for the spool's current state: memory, spilling, draining, full or broken (all 0 without a spool).",
      labelNames: ["state"] as const,
      registers,
      collect() {
        const current = sources.spool().state;
        for (const state of SPOOL_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    }),
    refusingAllRequests: new Gauge({
      name: `${prefix}kinesis_refusing_all_requests`,
      help: "1 while Kinesis refuses every request as invalid and accepts none (a configuration fault: region, request size); records are kept, not dropped.",
      registers,
    }),
    spoolRecordsLost: new Counter({
      name: `${prefix}spool_records_lost_total`,
      help: "Records lost in damaged spool bytes, which were moved aside to *.corrupt files for an operator.",
      registers,
    }),
    streamConnected: new Gauge({
      name: `${prefix}stream_connected`,
      help: "1 while connected to the X stream.",
      registers,
    }),
    ready: sourcedGauge("ready", "1 when /readyz answers 200.", () => (sources.ready() ? 1 : 0)),
    reconnects: new Counter({
      name: `${prefix}reconnects_total`,
      help: "Disconnections from the X stream (each followed by a reconnect), by cause.",
      labelNames: ["cause"] as const,
      registers,
    }),
    includesDropped: new Counter({
      name: `${prefix}includes_dropped_total`,
      help: "Posts sent without their includes because with them the record would pass Kinesis' 1 MiB (the post itself is kept).",
      registers,
    }),
    postsRecovered: new Counter({
      name: `${prefix}tweets_recovered_total`,
      help: "Posts fetched after a reconnect (search/recent or backfill) that the stream had not delivered.",
      registers,
    }),
    duplicatesSkipped: new Counter({
      name: `${prefix}duplicates_skipped_total`,
      help: "Posts skipped because one with the same id was delivered within the de-duplication window (last hour, at most 100,000 ids).",
      registers,
    }),
    connectionTakeovers: new Counter({
      name: `${prefix}connection_takeovers_total`,
      help: "Times X closed this app's other stream connection (Connections API) after 429 TooManyConnections; at most one per 15 minutes.",
      registers,
    }),
    recoverySkipped: new Counter({
      name: `${prefix}recovery_skipped_total`,
      help: "Gaps, or parts of gaps, not recovered, by reason: max_gap (X_RECOVERY_MAX_GAP), max_posts (X_RECOVERY_MAX_POSTS), rule_rejected (search refused a rule's query), rule_changed (a rule removed while disconnected), search_refused (search refused another parameter: end_time, start_time, since_id), search_failed, backfill_limit (over X's 5 minutes), backfill_refused (X refused backfill_minutes), shutdown (stopped before the gap was searched through; with SPOOL_DIR the next start recovers it).",
      labelNames: ["reason"] as const,
      registers,
    }),
    recoveryGaps: new Counter({
      name: `${prefix}recovery_gaps_total`,
      help: "Gaps to recover, by origin: reconnect (the stream came back) or restart (from the durable watermark a previous process left in SPOOL_DIR).",
      labelNames: ["origin"] as const,
      registers,
    }),
    xBillingRefused: new Gauge({
      name: `${prefix}x_billing_refused`,
      help: "1 while X refuses this app for billing, by refusal: usage-capped (429, monthly cap reached) or credits-depleted (402, prepaid credits gone). A person must act; /readyz says what.",
      labelNames: ["refusal"] as const,
      registers,
    }),
    watermarkWrites: new Counter({
      name: `${prefix}watermark_writes_total`,
      help: "Writes of the durable watermark file in SPOOL_DIR (coalesced: at most two a second).",
      registers,
    }),
    watermarkWriteFailures: new Counter({
      name: `${prefix}watermark_write_failures_total`,
      help: "Writes of the watermark file SPOOL_DIR refused: a restart would recover from an older watermark (more duplicates; past X_RECOVERY_MAX_GAP, the restart's gap is skipped).",
      registers,
    }),
  };

  // Series that alerts compare must exist before their first event, or rate() sees nothing to compare.
  for (const outcome of ["success", "partial", "throttled", "error"]) metrics.putRequests.inc({ outcome }, 0);
  for (const reason of ["oversize", "rejected", "shutdown", "spool_full", "spool_error"])
    metrics.recordsDropped.inc({ reason }, 0);
  for (const cause of ["network", "http", "rate-limit", "stall", "operational-disconnect", "stream-error"]) {
    metrics.reconnects.inc({ cause }, 0);
  }
  for (const reason of RECOVERY_SKIP_REASONS) metrics.recoverySkipped.inc({ reason }, 0);
  for (const origin of ["reconnect", "restart"]) metrics.recoveryGaps.inc({ origin }, 0);
  for (const refusal of BILLING_REFUSALS) metrics.xBillingRefused.set({ refusal }, 0);
  metrics.connectionTakeovers.inc(0);
  metrics.streamConnected.set(0);
  metrics.refusingAllRequests.set(0);
  return metrics;
}

export type ProducerMetrics = ReturnType<typeof createMetrics>;
