import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { BISECT_BATCH_ON_FUNCTION_ERROR } from "./mapping-settings.js";

export interface StreamEventSourceProps {
  readonly streamArn: string;
  readonly functionArn: string;
  /**
   * On-failure destination, the failed-batch bucket: Lambda writes each batch it gives up on there whole (the
   * invocation's records and the failure record). The function's role must be allowed to (processor-function.ts).
   */
  readonly onFailureBucketArn: string;
  /** Records per invocation (1 to 10,000); see ESM_BATCH_SIZE in config.ts for the default's reasoning. */
  readonly batchSize: number;
  /** Seconds to gather records before invoking (0 to 300). */
  readonly batchingWindowSeconds: number;
  /** Concurrent batches per shard (1 to 10). */
  readonly parallelizationFactor: number;
  /** Whole-batch retries after a function error before giving up on the batch. */
  readonly maxRetryAttempts: number;
  /** Records older than this are given up on (60 s to 7 days); must stay below the stream's retention. */
  readonly maxRecordAgeSeconds: number;
  /** Lambda checks the function role's permissions when the mapping is created: pass the role's policy. */
  readonly dependsOn: ITerraformDependable[];
}

/** Lambda's poller: reads the stream shard by shard and invokes the processor with batches of records. */
export class StreamEventSource extends Construct {
  readonly mapping: LambdaEventSourceMapping;

  constructor(scope: Construct, id: string, props: StreamEventSourceProps) {
    super(scope, id);
    this.mapping = new LambdaEventSourceMapping(this, "mapping", {
      eventSourceArn: props.streamArn,
      functionName: props.functionArn,
      // From the oldest record still in the stream, as the original: nothing written before the mapping
      // existed (say, while the first deploy was running) is skipped.
      startingPosition: "TRIM_HORIZON",
      batchSize: props.batchSize,
      maximumBatchingWindowInSeconds: props.batchingWindowSeconds,
      parallelizationFactor: props.parallelizationFactor,
      // The handler names the records it could not write; Lambda retries from the first of them instead of
      // re-sending the whole batch.
      functionResponseTypes: ["ReportBatchItemFailures"],
      // When the handler itself fails (a crash, a timeout), halve the batch and retry, isolating the record
      // that causes it; halving does not count against the retry quota.
      bisectBatchOnFunctionError: BISECT_BATCH_ON_FUNCTION_ERROR,
      maximumRetryAttempts: props.maxRetryAttempts,
      maximumRecordAgeInSeconds: props.maxRecordAgeSeconds,
      destinationConfig: { onFailure: { destinationArn: props.onFailureBucketArn } },
      // The mapping's own counts (polled, invoked, failed, dropped, sent to the destination) in CloudWatch: without
      // them nothing says that the mapping gave up on records. DroppedEventCount and
      // OnFailureDestinationDeliveredEventCount have alarms (alarm-list.ts).
      metricsConfig: { metrics: ["EventCount"] },
      dependsOn: props.dependsOn,
    });
  }
}
