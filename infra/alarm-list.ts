/**
 * Every CloudWatch alarm of the stack, as data: one row per alarm. `alarms.ts` turns the rows into resources, the
 * tests read them, and infra/README.md's alarm table is held to them (test/alarm-docs.test.ts). Each alarm is a
 * state a person must act on; the description says what happened and what to do.
 */

/** Where the stack's own EMF metrics land (processor/metrics.ts and compliance/metrics.ts write these). */
export const PROCESSOR_METRICS_NAMESPACE = "Tweetstream/Processor";
export const COMPLIANCE_METRICS_NAMESPACE = "Tweetstream/Compliance";

/** What an alarm watches; the stack supplies each one's dimension value. */
export type AlarmSubject = "processor" | "queue" | "stream" | "mapping" | "sweeper";

/** The dimension name CloudWatch files each subject's metrics under. */
export const SUBJECT_DIMENSION: Record<AlarmSubject, string> = {
  processor: "FunctionName",
  queue: "QueueName",
  stream: "StreamName",
  mapping: "EventSourceMappingUUID",
  sweeper: "FunctionName",
};

export interface AlarmRow {
  /** The alarm is named `<stack>-<suffix>`. */
  readonly suffix: string;
  /** `compliance` rows exist only with the compliance sweeper (COMPLIANCE=on). */
  readonly part: "pipeline" | "compliance";
  readonly subject: AlarmSubject;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: "Sum" | "Maximum";
  readonly comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** "notBreaching" for metrics published only while something happens; "breaching" where silence is the fault. */
  readonly missingData: "notBreaching" | "breaching";
  /** When it fires, in the words the README table shows. */
  readonly when: string;
  /** The alarm's description: what happened and what to do. */
  readonly description: string;
}

export interface AlarmSettings {
  /** Alarm when the processor runs this many seconds behind the newest record. */
  readonly iteratorAgeSeconds: number;
}

const anyIn5Minutes = {
  statistic: "Sum",
  comparison: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  periodSeconds: 300,
  evaluationPeriods: 1,
  missingData: "notBreaching",
} as const;

/** Every alarm row, in the order the README lists them. */
export function alarmRows(settings: AlarmSettings): AlarmRow[] {
  return [
    {
      suffix: "processor-iterator-age",
      part: "pipeline",
      subject: "processor",
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      statistic: "Maximum",
      comparison: "GreaterThanOrEqualToThreshold",
      // Milliseconds, as Lambda reports it; three minutes in a row, so one slow batch does not page anyone.
      threshold: settings.iteratorAgeSeconds * 1000,
      periodSeconds: 60,
      evaluationPeriods: 3,
      missingData: "notBreaching",
      when: `\`IteratorAge\` ≥ ${settings.iteratorAgeSeconds} s (\`ALARM_ITERATOR_AGE_SECONDS\`) for 3 minutes`,
      description: `The processor is more than ${settings.iteratorAgeSeconds} s behind the stream: it cannot keep up, or keeps failing.`,
    },
    {
      suffix: "processor-errors",
      part: "pipeline",
      subject: "processor",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      // Any: record-level failures are reported in the response, so a failed invocation is a bug or an outage.
      ...anyIn5Minutes,
      when: "`Errors` ≥ 1 in 5 minutes",
      description:
        "The processor failed whole invocations (crash or timeout); its batches are being retried.",
    },
    {
      suffix: "dlq-messages",
      part: "pipeline",
      subject: "queue",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      ...anyIn5Minutes,
      // Any: every message there is a post that did not reach the table. Fires while one waits, however old.
      statistic: "Maximum",
      when: "a message waits in `<stack>-processor-dlq`",
      description:
        "Messages are waiting in the processor's dead-letter queue: records that can never be written as they are.",
    },
    {
      suffix: "mapping-failures",
      part: "pipeline",
      subject: "mapping",
      namespace: "AWS/Lambda",
      metricName: "OnFailureDestinationDeliveredEventCount",
      // Any: each is a record that is not in the table until it is replayed.
      ...anyIn5Minutes,
      when: "the mapping kept a batch it gave up on in the failed-batch bucket (`OnFailureDestinationDeliveredEventCount` ≥ 1)",
      description:
        "The event source mapping gave up on records (retries exhausted or records too old): they are kept whole in the failed-batch bucket; fix the cause, then npm run replay.",
    },
    {
      suffix: "mapping-dropped",
      part: "pipeline",
      subject: "mapping",
      namespace: "AWS/Lambda",
      // Records given up on that did not reach the on-failure destination either (it excludes those that did).
      metricName: "DroppedEventCount",
      ...anyIn5Minutes,
      when: "`DroppedEventCount` ≥ 1: records given up on that the bucket did not get",
      description:
        "The event source mapping dropped records it could not keep in the failed-batch bucket: they are lost unless re-read from the stream within its retention.",
    },
    {
      suffix: "processor-destination-failures",
      part: "pipeline",
      subject: "processor",
      namespace: "AWS/Lambda",
      // Lambda's count, per function, of records it could not send to a destination, the stream mapping's
      // on-failure destination included: here a kept batch the bucket refused (a lost grant, a deleted bucket,
      // a policy). DroppedEventCount then counts its records too; this one names the cause: the destination.
      metricName: "DestinationDeliveryFailures",
      ...anyIn5Minutes,
      when: "`DestinationDeliveryFailures` ≥ 1: Lambda could not put a kept batch in the failed-batch bucket",
      description:
        "Lambda could not write a batch the mapping gave up on to the failed-batch bucket (permissions, the bucket or its policy): fix the bucket or the role's s3:PutObject grant; records given up on meanwhile are lost unless re-read from the stream.",
    },
    {
      suffix: "processor-refused-systemic",
      part: "pipeline",
      subject: "processor",
      namespace: PROCESSOR_METRICS_NAMESPACE,
      metricName: "ItemsRefusedSystemic",
      ...anyIn5Minutes,
      when: "`ItemsRefusedSystemic` ≥ 1: DynamoDB refuses the table's key schema or every item",
      description:
        "DynamoDB refuses the table itself (its key schema, or every item alone): the table's setup needs fixing. Records are retried, then kept in the failed-batch bucket for replay.",
    },
    {
      suffix: "processor-dead-lettered",
      part: "pipeline",
      subject: "processor",
      namespace: PROCESSOR_METRICS_NAMESPACE,
      metricName: "ItemsDeadLettered",
      ...anyIn5Minutes,
      when: "`ItemsDeadLettered` ≥ 1 in 5 minutes, even after the queue was drained",
      description:
        "The processor sent records to the dead-letter queue (malformed, too large, or refused by DynamoDB): read them and their reasons there.",
    },
    {
      suffix: "processor-cut-by-deadline",
      part: "pipeline",
      subject: "processor",
      namespace: PROCESSOR_METRICS_NAMESPACE,
      metricName: "BatchesCutByDeadline",
      // Fifteen minutes in a row: one slow batch is retried harmlessly; batches that never fit need a change.
      ...anyIn5Minutes,
      evaluationPeriods: 3,
      when: "`BatchesCutByDeadline` ≥ 1 in each of 3 periods of 5 minutes",
      description:
        "Batches keep running out of time and are retried in part: raise PROCESSOR_TIMEOUT_SECONDS or memory, or lower ESM_BATCH_SIZE.",
    },
    {
      suffix: "stream-write-throttled",
      part: "pipeline",
      subject: "stream",
      namespace: "AWS/Kinesis",
      metricName: "WriteProvisionedThroughputExceeded",
      // The producer retries throttled records, so a burst is harmless; fifteen minutes in a row is not.
      ...anyIn5Minutes,
      evaluationPeriods: 3,
      when: "writes throttled in each of 3 periods of 5 minutes",
      description: "Writes to the stream are throttled: the producer is slowed down and buffering.",
    },
    {
      suffix: "stream-read-throttled",
      part: "pipeline",
      subject: "stream",
      namespace: "AWS/Kinesis",
      metricName: "ReadProvisionedThroughputExceeded",
      // Lambda's poller retries throttled reads, so a burst only delays; fifteen minutes in a row means the
      // stream's read capacity (2 MB/s or 5 reads/s per shard, shared by every reader) is too small.
      ...anyIn5Minutes,
      evaluationPeriods: 3,
      when: "reads throttled in each of 3 periods of 5 minutes",
      description:
        "Reads from the stream are throttled: the processor falls behind (see IteratorAge) and needs more shards or fewer readers.",
    },
    {
      suffix: "compliance-sweep-errors",
      part: "compliance",
      subject: "sweeper",
      namespace: COMPLIANCE_METRICS_NAMESPACE,
      metricName: "SweepErrors",
      // Sweeps run once a day: no data in between is normal.
      ...anyIn5Minutes,
      when: "`SweepErrors` ≥ 1",
      description:
        "A compliance sweep stopped on an error (X API, DynamoDB, or the X token secret has no value); it resumes next run.",
    },
    {
      suffix: "compliance-no-successful-sweep",
      part: "compliance",
      subject: "sweeper",
      namespace: COMPLIANCE_METRICS_NAMESPACE,
      metricName: "SweepSucceeded",
      statistic: "Sum",
      comparison: "LessThanThreshold",
      threshold: 1,
      // Two one-day periods (CloudWatch allows up to 7 days of periods × evaluation periods): a daily schedule
      // gives one data point a day, so two empty days in a row means nothing succeeded.
      periodSeconds: 86_400,
      evaluationPeriods: 2,
      // A sweeper that never runs publishes nothing: missing data is exactly what this alarm is about.
      missingData: "breaching",
      when: "`SweepSucceeded` < 1 over two 1-day periods, missing data breaching (nothing ran = alarm)",
      description:
        "No compliance sweep succeeded for two days: stored posts are no longer kept in line with X.",
    },
  ];
}
