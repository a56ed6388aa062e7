import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
import type { Construct } from "constructs";

/**
 * Every queue of the stack calls this: a queue policy that refuses any request not made over HTTPS (`sqs:*` denied
 * when `aws:SecureTransport` is false, for every principal), so a misconfigured client cannot send or read
 * dead letters in clear text. It only denies: who may use the queue is still decided by IAM policies.
 */
export function requireHttps(
  scope: Construct,
  queue: { readonly arn: string; readonly url: string },
): SqsQueuePolicy {
  const document = new DataAwsIamPolicyDocument(scope, "https-only-document", {
    statement: [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["sqs:*"],
        resources: [queue.arn],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ],
  });
  return new SqsQueuePolicy(scope, "https-only", { queueUrl: queue.url, policy: document.json });
}
