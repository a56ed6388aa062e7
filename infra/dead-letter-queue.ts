import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { Construct } from "constructs";
import { requireHttps } from "./queue-policy.js";

export interface DeadLetterQueueProps {
  /** The stack passes `<stack>-processor-dlq`. */
  readonly name: string;
  /** How long a message waits to be looked at; 14 days, SQS's maximum, leaves room for a long weekend. */
  readonly messageRetentionSeconds?: number;
}

/**
 * Where nothing is lost quietly: the processor's dead letters (a record's raw payload and the reason). What the
 * event source mapping gives up on is kept in S3 instead (failed-batch-bucket.ts), where the whole batch fits.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 14 * 24 * 3600,
      // SQS-managed encryption (SSE-SQS): encrypted at rest without a KMS key, so senders need no kms:* grant.
      sqsManagedSseEnabled: true,
    });
    requireHttps(this, this.queue);
  }
}
