import { existsSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config/index.js";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { permissionsDocument, trustDocument } from "./iam-documents.js";

export class ComplianceBundleMissingError extends Error {
  override readonly name = "ComplianceBundleMissingError";
}

export interface ComplianceSweeperProps {
  /** The stack passes `<stack>-ComplianceSweeper`. */
  readonly functionName: string;
  /** Directory holding the esbuild bundle (`index.mjs`, exporting `handler`); zipped as it is. */
  readonly bundleDir: string;
  readonly table: { readonly name: string; readonly arn: string };
  readonly tokenSecret: { readonly arn: string };
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly dryRun: boolean;
  /** Reserve concurrency 1 (see COMPLIANCE_RESERVE_CONCURRENCY in config.ts: off by default). */
  readonly reserveConcurrency: boolean;
  readonly logRetentionDays: number;
}

/**
 * The Lambda that runs one compliance sweep per invocation, with its log group and a role that may only
 * Scan/Query/BatchWriteItem/UpdateItem the table, read the token secret, and write its own logs.
 * Same runtime, architecture and bundling as the processor.
 */
export class ComplianceSweeper extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  readonly invokeConfig: LambdaFunctionEventInvokeConfig;

  constructor(scope: Construct, id: string, props: ComplianceSweeperProps) {
    super(scope, id);
    const entry = join(props.bundleDir, "index.mjs");
    if (!existsSync(entry)) {
      throw new ComplianceBundleMissingError(
        `Compliance bundle not found at ${entry}: run \`npm run build:compliance\` first (or set COMPLIANCE=off).`,
      );
    }
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.role = new IamRole(this, "role", {
      name: `${props.functionName}-role`,
      assumeRolePolicy: trustDocument(this, "trust", "lambda.amazonaws.com").json,
    });
    const permissions = permissionsDocument(this, "permissions", [
      // Scan reads the keys, Query a partition (an author's items, the checkpoint), BatchWriteItem deletes
      // (and writes the checkpoint), UpdateItem scrubs geo. No GetItem/PutItem/DeleteItem: not needed.
      {
        sid: "SweepEventTable",
        actions: ["dynamodb:BatchWriteItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"],
        resources: [props.table.arn],
      },
      {
        sid: "ReadXBearerToken",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [props.tokenSecret.arn],
      },
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
    ]);
    this.rolePolicy = new IamRolePolicy(this, "policy", {
      name: "compliance-sweeper",
      role: this.role.id,
      policy: permissions.json,
    });

    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: "Removes posts deleted, protected or suspended on X, and scrubbed geo, from the table",
      role: this.role.arn,
      runtime: "nodejs24.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: bundle.path,
      sourceCodeHash: bundle.assetHash,
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      // One sweep at a time: two would share one checkpoint (and submit the same jobs twice). The schedule is
      // longer than the timeout and async invocations are not retried (below); reserving 1 also throttles a manual
      // invocation during a scheduled sweep, but fails the deploy on accounts limited to 10, so it is opt-in.
      ...(props.reserveConcurrency ? { reservedConcurrentExecutions: 1 } : {}),
      environment: {
        variables: {
          TABLE_NAME: props.table.name,
          X_BEARER_TOKEN_SECRET_ARN: props.tokenSecret.arn,
          COMPLIANCE_DRY_RUN: String(props.dryRun),
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      dependsOn: [this.rolePolicy],
    });
    // EventBridge invokes asynchronously: Lambda would retry a failed or throttled sweep twice, up to six
    // hours later, possibly alongside the next scheduled one. The next day's sweep resumes from the checkpoint.
    this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, "invoke-config", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 0,
    });
  }
}
