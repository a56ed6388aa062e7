import { existsSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { type Grant, permissionsDocument, trustDocument } from "./iam-documents.js";

/** A Lambda's bundle is not built: the message says which command builds it. */
export class LambdaBundleMissingError extends Error {
  override readonly name = "LambdaBundleMissingError";
}

export interface BundledLambdaProps {
  readonly functionName: string;
  readonly description: string;
  /** Directory holding the esbuild bundle (`index.mjs`, exporting `handler`); it is zipped as it is. */
  readonly bundleDir: string;
  /** What to run when the bundle is missing, e.g. "`npm run build:processor`". */
  readonly buildHint: string;
  /** The inline policy's name. */
  readonly policyName: string;
  /** Everything the function may do besides writing its own logs (added here). */
  readonly grants: readonly Grant[];
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Days CloudWatch keeps the function's logs; without a log group of our own they would be kept forever. */
  readonly logRetentionDays: number;
  /** Environment variables; NODE_OPTIONS (source maps) is added. */
  readonly environment: Record<string, string>;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One of the stack's Lambdas: an esbuild bundle on Node 24 arm64, its own log group with a retention, and a role
 * that may do what `grants` lists and write its own log streams, nothing else. The processor and the compliance
 * sweeper extend it (their construct ids, hence their Terraform addresses, are unchanged).
 */
export class BundledLambda extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  /** The role's permissions; whatever uses the role at creation (the event source mapping) must wait for it. */
  readonly rolePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: BundledLambdaProps) {
    super(scope, id);
    const entry = join(props.bundleDir, "index.mjs");
    if (!existsSync(entry)) {
      throw new LambdaBundleMissingError(
        `${props.functionName} bundle not found at ${entry}: run ${props.buildHint} first.`,
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
      ...props.grants,
      // The function's own log streams only (the original granted logs:* on every resource).
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
    ]);
    this.rolePolicy = new IamRolePolicy(this, "policy", {
      name: props.policyName,
      role: this.role.id,
      policy: permissions.json,
    });

    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
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
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        // The bundle ships a source map: stack traces then point into the TypeScript sources. No heap flag here:
        // Lambda's Node runtime then sizes the heap from the memory (old space M - M/10), as the compliance
        // measurement (README "Compliance") runs it; a --max-old-space-size here would replace that sizing.
        variables: { ...props.environment, NODE_OPTIONS: "--enable-source-maps" },
      },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      // Without its permissions the first invocations could neither log nor write.
      dependsOn: [this.rolePolicy],
    });
  }
}
