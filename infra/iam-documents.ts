import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import type { Construct } from "constructs";

/** One Allow statement. `sid` names why it exists; every policy of the stack is built from these. */
export interface Grant {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/**
 * Permission policies are `aws_iam_policy_document` data sources rather than hand-written JSON strings:
 * Terraform renders them locally (no API call), and the synthesized statements stay plain data that the
 * least-privilege test can read.
 */
export function permissionsDocument(
  scope: Construct,
  id: string,
  grants: readonly Grant[],
): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: grants.map((grant) => ({
      sid: grant.sid,
      effect: "Allow",
      actions: [...grant.actions],
      resources: [...grant.resources],
    })),
  });
}

export interface TrustOptions {
  /** Extra session actions the principal needs besides sts:AssumeRole (EKS Pod Identity tags sessions). */
  readonly extraActions?: readonly string[];
  /** Only sessions on behalf of this account: stops another account's task from borrowing the role. */
  readonly sourceAccount?: string;
}

/** Who may assume a role: one AWS service principal. */
export function trustDocument(
  scope: Construct,
  id: string,
  service: string,
  options: TrustOptions = {},
): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        sid: "AssumedByService",
        effect: "Allow",
        actions: ["sts:AssumeRole", ...(options.extraActions ?? [])],
        principals: [{ type: "Service", identifiers: [service] }],
        ...(options.sourceAccount === undefined
          ? {}
          : {
              condition: [
                { test: "StringEquals", variable: "aws:SourceAccount", values: [options.sourceAccount] },
              ],
            }),
      },
    ],
  });
}

/**
 * A resource policy that refuses every request not made over HTTPS (`aws:SecureTransport` false), for every
 * principal: the queue and the bucket both get one. It only denies; who may use the resource is still decided by
 * IAM policies.
 */
export function httpsOnlyDocument(
  scope: Construct,
  id: string,
  action: `${string}:*`,
  resources: readonly string[],
): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: [action],
        resources: [...resources],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ],
  });
}
