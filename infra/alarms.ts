import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { Construct } from "constructs";

export interface PipelineAlarmsProps {
  /** Prefix of every alarm name; the stack passes its name. */
  readonly prefix: string;
  readonly functionName: string;
  readonly queueName: string;
  /** The event source mapping's UUID: the dimension of its EventCount metrics. */
  readonly mappingUuid: string;
  readonly streamName: string;
  /** Alarm when the processor runs this many seconds behind the newest record. */
  readonly iteratorAgeSeconds: number;
  /** SNS topic told when an alarm fires and when it clears; without one the alarms only show in the console. */
  readonly topicArn: string | undefined;
}

/**
 * The six signs that tweets are not flowing. Each treats missing data as fine: these metrics are only
 * published while something happens (no invocations means no errors, an empty queue may publish nothing).
 */
export class PipelineAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const actions =
      props.topicArn === undefined ? {} : { alarmActions: [props.topicArn], okActions: [props.topicArn] };
    const common = {
      treatMissingData: "notBreaching",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      ...actions,
    };

    this.alarms = [
      new CloudwatchMetricAlarm(this, "iterator-age", {
        ...common,
        alarmName: `${props.prefix}-processor-iterator-age`,
        alarmDescription: `The processor is more than ${props.iteratorAgeSeconds} s behind the stream: it cannot keep up, or keeps failing.`,
        namespace: "AWS/Lambda",
        metricName: "IteratorAge",
        dimensions: { FunctionName: props.functionName },
        statistic: "Maximum",
        // Milliseconds, as Lambda reports it; three minutes in a row, so one slow batch does not page anyone.
        threshold: props.iteratorAgeSeconds * 1000,
        period: 60,
        evaluationPeriods: 3,
      }),
      new CloudwatchMetricAlarm(this, "errors", {
        ...common,
        alarmName: `${props.prefix}-processor-errors`,
        alarmDescription:
          "The processor failed whole invocations (crash or timeout); its batches are being retried.",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: props.functionName },
        statistic: "Sum",
        // Any: record-level failures are reported in the response, so a failed invocation is always a bug or an outage.
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
      }),
      new CloudwatchMetricAlarm(this, "dead-letters", {
        ...common,
        alarmName: `${props.prefix}-dlq-messages`,
        alarmDescription:
          "Messages are waiting in the processor's dead-letter queue: records that can never be written.",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: props.queueName },
        statistic: "Maximum",
        // Any: every message there is a tweet that did not reach the table.
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
      }),
      new CloudwatchMetricAlarm(this, "mapping-failures", {
        ...common,
        alarmName: `${props.prefix}-mapping-failures`,
        alarmDescription:
          "The event source mapping gave up on records (retries exhausted or records too old): they are kept whole in the failed-batch bucket; fix the cause, then npm run replay.",
        namespace: "AWS/Lambda",
        metricName: "OnFailureDestinationDeliveredEventCount",
        dimensions: { EventSourceMappingUUID: props.mappingUuid },
        statistic: "Sum",
        // Any: each is a record that did not reach the table until it is replayed.
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
      }),
      new CloudwatchMetricAlarm(this, "write-throttled", {
        ...common,
        alarmName: `${props.prefix}-stream-write-throttled`,
        alarmDescription: "Writes to the stream are throttled: the producer is slowed down and buffering.",
        namespace: "AWS/Kinesis",
        metricName: "WriteProvisionedThroughputExceeded",
        dimensions: { StreamName: props.streamName },
        statistic: "Sum",
        // The producer retries throttled records, so a burst is harmless; fifteen minutes in a row is not
        // (more shards, or on-demand capacity, are needed).
        threshold: 1,
        period: 300,
        evaluationPeriods: 3,
      }),
      new CloudwatchMetricAlarm(this, "read-throttled", {
        ...common,
        alarmName: `${props.prefix}-stream-read-throttled`,
        alarmDescription:
          "Reads from the stream are throttled: the processor falls behind (see IteratorAge) and needs more shards or fewer readers.",
        namespace: "AWS/Kinesis",
        metricName: "ReadProvisionedThroughputExceeded",
        dimensions: { StreamName: props.streamName },
        statistic: "Sum",
        // Lambda's poller retries throttled reads, so a burst only delays; fifteen minutes in a row means the
        // stream's read capacity (2 MB/s or 5 reads/s per shard, shared by every reader) is too small.
        threshold: 1,
        period: 300,
        evaluationPeriods: 3,
      }),
    ];
  }
}
