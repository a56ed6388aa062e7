import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config/index.js";
import type { Construct } from "constructs";
import { BundledLambda } from "./bundled-lambda.js";

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
export class ComplianceSweeper extends BundledLambda {
  readonly invokeConfig: LambdaFunctionEventInvokeConfig;

  constructor(scope: Construct, id: string, props: ComplianceSweeperProps) {
    super(scope, id, {
      functionName: props.functionName,
      description: "Removes posts deleted, protected or suspended on X, and scrubbed geo, from the table",
      bundleDir: props.bundleDir,
      buildHint: "`npm run build:compliance` (or set COMPLIANCE=off)",
      policyName: "compliance-sweeper",
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      logRetentionDays: props.logRetentionDays,
      // One sweep at a time: two would share one checkpoint (and submit the same jobs twice). The schedule is
      // longer than the timeout and async invocations are not retried (below); reserving 1 also throttles a manual
      // invocation during a scheduled sweep, but fails the deploy on accounts limited to 10, so it is opt-in.
      reservedConcurrentExecutions: props.reserveConcurrency ? 1 : undefined,
      environment: {
        TABLE_NAME: props.table.name,
        X_BEARER_TOKEN_SECRET_ARN: props.tokenSecret.arn,
        COMPLIANCE_DRY_RUN: String(props.dryRun),
      },
      grants: [
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
      ],
    });
    // EventBridge invokes asynchronously: Lambda would retry a failed or throttled sweep twice, up to six
    // hours later, possibly alongside the next scheduled one. The next day's sweep resumes from the checkpoint.
    this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, "invoke-config", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 0,
    });
  }
}
