import type { SweepSummary } from "./summary.js";

/** CloudWatch namespace of the sweeper's metrics; the alarms read from it. */
export const METRICS_NAMESPACE = "Tweetstream/Compliance";

/**
 * One CloudWatch Embedded Metric Format line per sweep: CloudWatch Logs turns it into metrics with no API
 * call and no extra permission. `SweepSucceeded` is 1 only for a sweep that made progress (below) and ended
 * without an error, without a delete DynamoDB refused, without a job X failed or expired, and without a
 * resubmitted job still open: the alarm on "no successful sweep for two days" reads it, so an X that refuses
 * our jobs every day, a table that refuses our deletes, or a file too large to apply in a sweep raises it. `SweepErrors` counts errors. A dry run deletes and scrubs nothing, so
 * it emits `ItemsDeleted` and `GeoScrubbed` as 0 (what it would have done is in the summary line only):
 * dashboards never show deletions that did not happen.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function metricsLine(summary: SweepSummary, functionName: string, now: number): string {
  const jobsNotCompleted = summary.jobsFailed + summary.jobsExpired;
  const succeeded =
    summary.errors === 0 &&
    jobsNotCompleted === 0 &&
    summary.jobsResubmitted === 0 &&
    summary.deleteFailures === 0 &&
    madeProgress(summary);
  const values = {
    SweepSucceeded: succeeded ? 1 : 0,
    SweepErrors: summary.errors,
    ItemsDeleted: summary.dryRun ? 0 : summary.itemsDeleted,
    GeoScrubbed: summary.dryRun ? 0 : summary.geoScrubbed,
    MalformedLines: summary.malformedLines,
    UnknownIds: summary.unknownIds,
    JobsFailed: jobsNotCompleted,
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

/**
 * Progress: a job's results applied (a whole job, or slices of a large file), or a pass over the table ended
 * (an empty table has nothing to apply). A day of jobs still running at X is no progress; two in a row alarm.
 */
function madeProgress(summary: SweepSummary): boolean {
  return summary.jobsCompleted > 0 || summary.resultLinesApplied > 0 || summary.passCompleted;
}
