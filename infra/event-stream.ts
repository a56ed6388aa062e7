import { KinesisStream } from "@cdktf/provider-aws/lib/kinesis-stream/index.js";
import { Construct } from "constructs";

export interface EventStreamProps {
  /** The stack passes `<stack>-events`. */
  readonly name: string;
  /** Provisioned shards; `undefined` selects on-demand capacity, which follows the tweet rate by itself. */
  readonly shardCount: number | undefined;
  /** How long a record stays readable (24 to 8760 h); replaying what the dead-letter queue points at needs it. */
  readonly retentionHours: number;
}

/** The Kinesis data stream between the producer and the processor: one record per tweet (or KPL aggregate). */
export class EventStream extends Construct {
  readonly stream: KinesisStream;

  constructor(scope: Construct, id: string, props: EventStreamProps) {
    super(scope, id);
    const onDemand = props.shardCount === undefined;
    this.stream = new KinesisStream(this, "stream", {
      name: props.name,
      retentionPeriod: props.retentionHours,
      streamModeDetails: { streamMode: onDemand ? "ON_DEMAND" : "PROVISIONED" },
      // An on-demand stream must not declare a shard count.
      ...(onDemand ? {} : { shardCount: props.shardCount }),
      // Encrypted at rest with the AWS-managed key: nothing to pay monthly or rotate, and unlike a customer key
      // it needs no kms:* permission for the producer or the processor.
      encryptionType: "KMS",
      kmsKeyId: "alias/aws/kinesis",
      // Destroy also removes enhanced fan-out consumers registered by hand, instead of failing on them.
      enforceConsumerDeletion: true,
    });
  }
}
