import { dirname, join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { alarmRows } from "./alarm-list.js";
import { StackAlarms } from "./alarms.js";
import { ComplianceSchedule } from "./compliance-schedule.js";
import { ComplianceSecret } from "./compliance-secret.js";
import { ComplianceSweeper } from "./compliance-sweeper.js";
import type { InfraConfig } from "./config.js";
import { DeadLetterQueue } from "./dead-letter-queue.js";
import { EventStream } from "./event-stream.js";
import { EventTable } from "./event-table.js";
import { FailedBatchBucket } from "./failed-batch-bucket.js";
import { ProcessorFunction } from "./processor-function.js";
import { ProducerIdentity } from "./producer-identity.js";
import { addStackOutputs } from "./stack-outputs.js";
import { configureStateBackend } from "./state-backend.js";
import { StreamEventSource } from "./stream-event-source.js";

export interface TweetstreamStackProps {
  readonly config: InfraConfig;
  /** Directory of the processor's esbuild bundle (`dist/lambda/processor` from `npm run build:processor`). */
  readonly processorBundleDir: string;
  /**
   * Directory of the compliance sweeper's bundle (`npm run build:compliance`). Default: `compliance` next to
   * the processor's bundle directory, i.e. `dist/lambda/compliance`.
   */
  readonly complianceBundleDir?: string;
}

/** The whole pipeline in AWS: producer identity → stream → mapping → processor → table, plus DLQ and alarms. */
export class TweetstreamStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: TweetstreamStackProps) {
    super(scope, id);
    const { config } = props;
    const name = (suffix: string) => `${config.stackName}-${suffix}`;

    new AwsProvider(this, "aws", {
      region: config.region,
      // Every taggable resource carries these: cost reports and the console can then group the stack's parts.
      defaultTags: [{ tags: { Project: "tweetstream", Stack: config.stackName, ManagedBy: "cdktf" } }],
    });
    configureStateBackend(this, config.stateBackend);

    const { stream } = new EventStream(this, "events", {
      name: name("events"),
      shardCount: config.stream.shardCount,
      retentionHours: config.stream.retentionHours,
    });
    const { table } = new EventTable(this, "event-data", {
      name: name("EventData"),
      ttlAttribute: config.table.ttlAttribute,
      deletionProtection: config.table.deletionProtection,
      tableClass: config.table.tableClass,
    });
    const { queue } = new DeadLetterQueue(this, "dead-letters", { name: name("processor-dlq") });
    // What the mapping gives up on is kept whole in S3 (an SQS destination would get only its position).
    const { failedBatchRetentionDays, ...mapping } = config.mapping;
    const { bucket: failedBatches } = new FailedBatchBucket(this, "failed-batches", {
      stackName: config.stackName,
      retentionDays: failedBatchRetentionDays,
    });

    const processor = new ProcessorFunction(this, "processor", {
      functionName: name("DDBEventProcessor"),
      bundleDir: props.processorBundleDir,
      stream,
      table,
      deadLetterQueue: queue,
      failedBatchBucket: failedBatches,
      ...config.processor,
    });
    const eventSource = new StreamEventSource(this, "event-source", {
      streamArn: stream.arn,
      functionArn: processor.function.arn,
      onFailureBucketArn: failedBatches.arn,
      ...mapping,
      dependsOn: [processor.rolePolicy],
    });

    const producer = new ProducerIdentity(this, "producer", {
      name: name("producer"),
      streamArn: stream.arn,
      kind: config.producer,
    });

    const compliance =
      config.compliance === undefined
        ? undefined
        : this.complianceSweeper(config, config.compliance, table, props, name);

    new StackAlarms(this, "alarms", {
      prefix: config.stackName,
      rows: alarmRows(config.alarms).filter((row) => compliance !== undefined || row.part === "pipeline"),
      subjects: {
        processor: processor.function.functionName,
        queue: queue.name,
        stream: stream.name,
        mapping: eventSource.mapping.uuid,
        sweeper: compliance?.functionName,
      },
      topicArn: config.alarms.topicArn,
    });

    addStackOutputs(this, {
      region: config.region,
      streamName: stream.name,
      tableName: table.name,
      functionName: processor.function.functionName,
      deadLetterQueueUrl: queue.url,
      failedBatchBucket: failedBatches.bucket,
      accessKey: producer.accessKey,
      producerRoleArn: producer.roleArn,
      compliance,
    });
  }

  /** The sweeper (issue 14): its token secret, function and schedule (its alarms are in alarm-list.ts). */
  private complianceSweeper(
    config: InfraConfig,
    settings: NonNullable<InfraConfig["compliance"]>,
    table: { readonly name: string; readonly arn: string },
    props: TweetstreamStackProps,
    name: (suffix: string) => string,
  ) {
    const { secret } = new ComplianceSecret(this, "compliance-token", { name: name("x-bearer-token") });
    const sweeper = new ComplianceSweeper(this, "compliance", {
      functionName: name("ComplianceSweeper"),
      bundleDir: props.complianceBundleDir ?? join(dirname(props.processorBundleDir), "compliance"),
      table,
      tokenSecret: secret,
      memoryMb: settings.memoryMb,
      timeoutSeconds: settings.timeoutSeconds,
      dryRun: settings.dryRun,
      reserveConcurrency: settings.reserveConcurrency,
      logRetentionDays: config.processor.logRetentionDays,
    });
    new ComplianceSchedule(this, "compliance-schedule", {
      name: name("compliance-sweep"),
      scheduleExpression: settings.schedule,
      functionArn: sweeper.function.arn,
      functionName: sweeper.function.functionName,
    });
    return { functionName: sweeper.function.functionName, tokenSecretArn: secret.arn };
  }
}
