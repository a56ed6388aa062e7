/**
 * The metric families the producer exports that the dashboard and alert rules use. Tests check that the
 * dashboard and rules use no other metric, and that the running producer's /metrics declares every one of
 * these with this type: a renamed metric breaks a test instead of a dashboard.
 */
export const PRODUCER_METRICS = {
  tweetstream_producer_tweets_received_total: "counter",
  tweetstream_producer_records_put_total: "counter",
  tweetstream_producer_records_failed_total: "counter",
  tweetstream_producer_put_requests_total: "counter",
  tweetstream_producer_put_duration_seconds: "histogram",
  tweetstream_producer_records_per_request: "histogram",
  tweetstream_producer_buffer_records: "gauge",
  tweetstream_producer_buffer_bytes: "gauge",
  tweetstream_producer_buffer_max_bytes: "gauge",
  tweetstream_producer_stream_connected: "gauge",
  tweetstream_producer_ready: "gauge",
  tweetstream_producer_reconnects_total: "counter",
  tweetstream_producer_records_dropped_total: "counter",
  tweetstream_producer_ack_latency_seconds: "histogram",
  tweetstream_producer_possible_duplicates_total: "counter",
  tweetstream_producer_kinesis_records_put_total: "counter",
  tweetstream_producer_stream_messages_dropped_total: "counter",
  tweetstream_producer_throttle_delay_seconds: "gauge",
  tweetstream_producer_spool_records: "gauge",
  tweetstream_producer_spool_full: "gauge",
  tweetstream_producer_spool_state: "gauge",
  tweetstream_producer_spool_records_lost_total: "counter",
  tweetstream_producer_kinesis_refusing_all_requests: "gauge",
  tweetstream_producer_recovery_skipped_total: "counter",
  tweetstream_producer_tweets_recovered_total: "counter",
  tweetstream_producer_duplicates_skipped_total: "counter",
  tweetstream_producer_x_billing_refused: "gauge",
  tweetstream_producer_watermark_writes_total: "counter",
  tweetstream_producer_watermark_write_failures_total: "counter",
  // prom-client's default metrics, which the dashboard's process panels use.
  process_resident_memory_bytes: "gauge",
  process_cpu_seconds_total: "counter",
  nodejs_eventloop_lag_p99_seconds: "gauge",
} as const;

export type ProducerMetricName = keyof typeof PRODUCER_METRICS;

/**
 * Metric names a PromQL expression uses, with histogram series suffixes (_bucket, _sum, _count) mapped to
 * their family. Only names of this project's and prom-client's families are recognised.
 */
export function metricNamesIn(expr: string): string[] {
  const names = expr.match(/\b(?:tweetstream_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+)\b/g) ?? [];
  const families = names.map((name) => {
    const family = name.replace(/_(?:bucket|sum|count)$/, "");
    return family !== name && PRODUCER_METRICS[family as ProducerMetricName] === "histogram" ? family : name;
  });
  return [...new Set(families)];
}

/** `# TYPE name kind` lines of a Prometheus text exposition, as a name → kind map. */
export function declaredMetricTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of exposition.split("\n")) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) types.set(match[1], match[2]);
  }
  return types;
}

/** Families the exposition lacks or declares with another type, one readable line each. */
export function missingProducerMetrics(exposition: string): string[] {
  const declared = declaredMetricTypes(exposition);
  return Object.entries(PRODUCER_METRICS).flatMap(([name, kind]) => {
    const actual = declared.get(name);
    if (actual === kind) return [];
    return [
      actual === undefined ? `${name} (${kind}) is not exported` : `${name} is a ${actual}, not a ${kind}`,
    ];
  });
}
