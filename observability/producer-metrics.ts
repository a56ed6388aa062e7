/**
 * The metric families the producer exports, as the dashboard and alert rules use them. Tests check this
 * list against the running producer's /metrics, so a renamed metric breaks a test instead of a dashboard.
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
} as const;

export type ProducerMetricName = keyof typeof PRODUCER_METRICS;

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
