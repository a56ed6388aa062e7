import { existsSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { permissionsDocument, trustDocument } from "./iam-documents.js";

export class ProcessorBundleMissingError extends Error {
  override readonly name = "ProcessorBundleMissingError";
}

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
  /** Days CloudWatch keeps the function's logs; without a log group of our own they would be kept forever. */
  readonly logRetentionDays: number;
  /** The processor's RETENTION_DAYS: set, it writes `ExpiresAt` for the table's TTL; undefined, posts stay. */
  readonly retentionDays: number | undefined;
}

/** The Lambda that writes stream records into the table, with its log group and least-privilege role. */
export class ProcessorFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  /** The role's permissions; whatever uses the role at creation (the event source mapping) must wait for it. */
  readonly rolePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ProcessorFunctionProps) {
    super(scope, id);
    const entry = join(props.bundleDir, "index.mjs");
    if (!existsSync(entry)) {
      throw new ProcessorBundleMissingError(
        `Processor bundle not found at ${entry}: run \`npm run build:processor\` first.`,
      );
    }

    // Created here rather than by Lambda on first log line, so that it has a retention and is destroyed with us.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, "role", {
      name: `${props.functionName}-role`,
      assumeRolePolicy: trustDocument(this, "trust", "lambda.amazonaws.com").json,
    });
    const permissions = permissionsDocument(this, "permissions", [
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
      { sid: "SendToDeadLetterQueue", actions: ["sqs:SendMessage"], resources: [props.deadLetterQueue.arn] },
      // Lambda writes the batches the mapping gives up on with the function's role: PutObject on the bucket's
      // objects and ListBucket on the bucket, as Lambda's documentation for S3 destinations lists; nothing else.
      {
        sid: "KeepFailedBatches",
        actions: ["s3:PutObject"],
        resources: [`${props.failedBatchBucket.arn}/*`],
      },
      { sid: "ListFailedBatches", actions: ["s3:ListBucket"], resources: [props.failedBatchBucket.arn] },
      // The function's own log streams only (the original granted logs:* on every resource).
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
    ]);
    this.rolePolicy = new IamRolePolicy(this, "policy", {
      name: "processor",
      role: this.role.id,
      policy: permissions.json,
    });

    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: "Writes tweets from the Kinesis stream into DynamoDB",
      role: this.role.arn,
      runtime: "nodejs24.x",
      // Graviton: about 20% cheaper per GB-second than x86, and the bundle is pure JavaScript.
      architectures: ["arm64"],
      handler: "index.handler",
      filename: bundle.path,
      // A hash of the bundle's content (not of the zip, whose timestamps change on every build): a code change,
      // and only a code change, redeploys the function.
      sourceCodeHash: bundle.assetHash,
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      environment: {
        variables: {
          TABLE_NAME: props.table.name,
          DLQ_URL: props.deadLetterQueue.url,
          DEADLINE_SAFETY_MARGIN_MS: String(props.deadlineSafetyMarginMs),
          ...(props.retentionDays === undefined ? {} : { RETENTION_DAYS: String(props.retentionDays) }),
          // The bundle ships a source map: stack traces then point into the TypeScript sources.
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      // Without its permissions the first invocations could neither log nor write.
      dependsOn: [this.rolePolicy],
    });
  }
}
