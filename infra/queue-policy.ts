import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
import type { Construct } from "constructs";
import { httpsOnlyDocument } from "./iam-documents.js";

/**
 * Every queue of the stack calls this: a queue policy that refuses any request not made over HTTPS (`sqs:*` denied
 * when `aws:SecureTransport` is false, for every principal), so a misconfigured client cannot send or read
 * dead letters in clear text. It only denies: who may use the queue is still decided by IAM policies.
 */
export function requireHttps(
  scope: Construct,
  queue: { readonly arn: string; readonly url: string },
): SqsQueuePolicy {
  const document = httpsOnlyDocument(scope, "https-only-document", "sqs:*", [queue.arn]);
  return new SqsQueuePolicy(scope, "https-only", { queueUrl: queue.url, policy: document.json });
}
