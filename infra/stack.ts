import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { PipelineAlarms } from "./alarms.js";
import type { InfraConfig } from "./config.js";
import { DeadLetterQueue } from "./dead-letter-queue.js";
import { EventStream } from "./event-stream.js";
import { EventTable } from "./event-table.js";
import { ProcessorFunction } from "./processor-function.js";
import { ProducerIdentity } from "./producer-identity.js";
import { addStackOutputs } from "./stack-outputs.js";
import { configureStateBackend } from "./state-backend.js";
import { StreamEventSource } from "./stream-event-source.js";

export interface TweetstreamStackProps {
  readonly config: InfraConfig;
  /** Directory of the processor's esbuild bundle (`dist/lambda/processor` from `npm run build:processor`). */
  readonly processorBundleDir: string;
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
    });
    const { queue } = new DeadLetterQueue(this, "dead-letters", { name: name("processor-dlq") });

    const processor = new ProcessorFunction(this, "processor", {
      functionName: name("DDBEventProcessor"),
      bundleDir: props.processorBundleDir,
      stream,
      table,
      deadLetterQueue: queue,
      ...config.processor,
    });
    new StreamEventSource(this, "event-source", {
      streamArn: stream.arn,
      functionArn: processor.function.arn,
      deadLetterQueueArn: queue.arn,
      ...config.mapping,
      dependsOn: [processor.rolePolicy],
    });

    const producer = new ProducerIdentity(this, "producer", {
      name: name("producer"),
      streamArn: stream.arn,
      kind: config.producer,
    });

    new PipelineAlarms(this, "alarms", {
      prefix: config.stackName,
      functionName: processor.function.functionName,
      queueName: queue.name,
      streamName: stream.name,
      iteratorAgeSeconds: config.alarms.iteratorAgeSeconds,
      topicArn: config.alarms.topicArn,
    });

    addStackOutputs(this, {
      region: config.region,
      streamName: stream.name,
      tableName: table.name,
      functionName: processor.function.functionName,
      deadLetterQueueUrl: queue.url,
      accessKey: producer.accessKey,
      producerRoleArn: producer.roleArn,
    });
  }
}
