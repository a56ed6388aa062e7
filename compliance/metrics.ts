import type { SweepSummary } from "./summary.js";

/** CloudWatch namespace of the sweeper's metrics; the alarms read from it. */
export const METRICS_NAMESPACE = "Tweetstream/Compliance";

/**
 * One CloudWatch Embedded Metric Format line per sweep: CloudWatch Logs turns it into metrics with no API
 * call and no extra permission. `SweepSucceeded` is 1 for a sweep that ended without an error (the alarm on
 * "no successful sweep for two days" reads it), `SweepErrors` counts errors.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function metricsLine(summary: SweepSummary, functionName: string, now: number): string {
  const values = {
    SweepSucceeded: summary.errors === 0 ? 1 : 0,
    SweepErrors: summary.errors,
    ItemsDeleted: summary.itemsDeleted,
    GeoScrubbed: summary.geoScrubbed,
    MalformedLines: summary.malformedLines,
    UnknownIds: summary.unknownIds,
    JobsFailed: summary.jobsFailed + summary.jobsExpired,
  };
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [["FunctionName"]],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: "Count" })),
        },
      ],
    },
    FunctionName: functionName,
    ...values,
  });
}
