import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** CloudWatch namespace of the processor's metrics; infra's alarms read from it. */
export const METRICS_NAMESPACE = "Tweetstream/Processor";
/** The one dimension every metric carries: the Lambda function's name. */
export const METRICS_DIMENSION = "FunctionName";

/** Every metric the processor publishes, once per batch, unit Count. infra's alarms name them from here. */
export const PROCESSOR_METRICS = [
  /** Items put (earlier versions' deletes not counted). */
  "ItemsWritten",
  /** Records (or user records) sent to the dead-letter queue: bad input and items DynamoDB refuses alone. */
  "ItemsDeadLettered",
  /** Requests reported for retry because DynamoDB refuses the table's setup, not an item: a person must act. */
  "ItemsRefusedSystemic",
  /** 1 when the invocation's deadline stopped the writes with work left (reported for retry), else 0. */
  "BatchesCutByDeadline",
  /** Items of earlier versions of edited posts deleted after their newer version was written. */
  "EarlierVersionsDeleted",
] as const;

export type ProcessorMetric = (typeof PROCESSOR_METRICS)[number];
export type BatchMetrics = Record<ProcessorMetric, number>;

/**
 * Publishes one batch's metrics as a CloudWatch embedded metric format (EMF) line on stdout: CloudWatch Logs
 * turns it into metrics, with no API call and no permission. Powertools' Metrics writes the line (light in the
 * bundle); its default `service` dimension is dropped so the alarms match on `FunctionName` alone.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function createMetricsPublisher(): (functionName: string, values: BatchMetrics) => void {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
  metrics.clearDefaultDimensions();
  let named: string | undefined;
  return (functionName, values) => {
    // Set once per name: setting a dimension again logs a warning line on every batch.
    if (functionName !== named) {
      metrics.clearDefaultDimensions();
      metrics.setDefaultDimensions({ [METRICS_DIMENSION]: functionName });
      named = functionName;
    }
    for (const name of PROCESSOR_METRICS) metrics.addMetric(name, MetricUnit.Count, values[name]);
    metrics.publishStoredMetrics();
  };
}
