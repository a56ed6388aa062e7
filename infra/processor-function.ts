import type { Construct } from "constructs";
import { BundledLambda } from "./bundled-lambda.js";

export interface ProcessorFunctionProps {
  /** The stack passes `<stack>-DDBEventProcessor`, the original's name. */
  readonly functionName: string;
  /** Directory holding the esbuild bundle (`index.mjs`, exporting `handler`); it is zipped as it is. */
  readonly bundleDir: string;
  readonly stream: { readonly arn: string };
  readonly table: { readonly name: string; readonly arn: string };
  readonly deadLetterQueue: { readonly url: string; readonly arn: string };
  /** The event source mapping's on-failure destination: Lambda writes kept batches with this function's role. */
  readonly failedBatchBucket: { readonly arn: string };
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The processor's DEADLINE_SAFETY_MARGIN_MS: time kept back from each invocation to answer before the timeout. */
  readonly deadlineSafetyMarginMs: number;
  readonly logRetentionDays: number;
  /** The processor's RETENTION_DAYS: set, it writes `ExpiresAt` for the table's TTL; undefined, posts stay. */
  readonly retentionDays: number | undefined;
}

/** The Lambda that writes stream records into the table, with its log group and least-privilege role. */
export class ProcessorFunction extends BundledLambda {
  constructor(scope: Construct, id: string, props: ProcessorFunctionProps) {
    super(scope, id, {
      functionName: props.functionName,
      description: "Writes tweets from the Kinesis stream into DynamoDB",
      bundleDir: props.bundleDir,
      buildHint: "`npm run build:processor`",
      policyName: "processor",
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      logRetentionDays: props.logRetentionDays,
      environment: {
        TABLE_NAME: props.table.name,
        DLQ_URL: props.deadLetterQueue.url,
        DEADLINE_SAFETY_MARGIN_MS: String(props.deadlineSafetyMarginMs),
        ...(props.retentionDays === undefined ? {} : { RETENTION_DAYS: String(props.retentionDays) }),
      },
      grants: [
        {
          sid: "ReadEventStream",
          actions: [
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
          ],
          resources: [props.stream.arn],
        },
        // Enhanced fan-out reads go through a consumer, whose ARN lives under the stream's.
        {
          sid: "SubscribeToStreamConsumers",
          actions: ["kinesis:SubscribeToShard"],
          resources: [`${props.stream.arn}/consumer/*`],
        },
        // No kinesis:ListStreams: it is not in Lambda's documented permissions for Kinesis mappings, and it would
        // be the one grant on "*". No dynamodb:PutItem: the processor writes only with BatchWriteItem.
        { sid: "WriteEventTable", actions: ["dynamodb:BatchWriteItem"], resources: [props.table.arn] },
        // SendMessageBatch is authorized as sqs:SendMessage.
        {
          sid: "SendToDeadLetterQueue",
          actions: ["sqs:SendMessage"],
          resources: [props.deadLetterQueue.arn],
        },
        // Lambda writes the batches the mapping gives up on with the function's role: PutObject on the bucket's
        // objects and ListBucket on the bucket, as Lambda's documentation for S3 destinations lists; nothing else.
        {
          sid: "KeepFailedBatches",
          actions: ["s3:PutObject"],
          resources: [`${props.failedBatchBucket.arn}/*`],
        },
        { sid: "ListFailedBatches", actions: ["s3:ListBucket"], resources: [props.failedBatchBucket.arn] },
      ],
    });
  }
}
