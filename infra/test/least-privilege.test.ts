import { describe, expect, it } from "vitest";
import {
  grantsOf,
  policyAttachments,
  policyDocuments,
  privilegeViolations,
  type Statement,
} from "./iam-walk.js";
import { refTo, refToNamed, synthesize, type TerraformJson } from "./synth.js";

// Actions IAM cannot scope to a resource, which alone may use "*". The stack needs none: kinesis:ListStreams
// (unscopable) is not in Lambda's documented permissions for Kinesis mappings, so it was dropped.
const UNSCOPABLE = new Set<string>();

/** The statements of the policy document the given resource's `policy` attribute points at. */
function documentBehind(tf: TerraformJson, type: string): Statement[] {
  const policy = String(Object.values(tf.resource[type] ?? {})[0]?.policy);
  const id = /aws_iam_policy_document\.([^.]+)\.json/.exec(policy)?.[1] ?? "";
  const statements = policyDocuments(tf).get(id);
  if (statements === undefined) throw new Error(`${type} has no policy document behind it: ${policy}`);
  return statements;
}

describe("least privilege", () => {
  it.each([
    ["user", {}],
    ["role", { PRODUCER_IDENTITY: "role" }],
    ["role for EKS", { PRODUCER_IDENTITY: "role", PRODUCER_ROLE_SERVICE: "pods.eks.amazonaws.com" }],
  ])(
    "no policy of the stack (producer identity: %s) has a wildcard action or an avoidable wildcard resource",
    (_, env) => {
      // Prepare
      const tf = synthesize(env);

      // Act
      const violations = privilegeViolations(tf, UNSCOPABLE);

      // Assess
      expect(violations).toEqual([]);
      // The walk saw every policy: each attachment uses its own document, and there are at least the processor's
      // trust and permissions and the producer's permissions.
      expect(policyAttachments(tf).length).toBe(policyDocuments(tf).size);
      expect(policyDocuments(tf).size).toBeGreaterThanOrEqual(3);
    },
  );

  it("the processor may read only its stream, write only its table, queue, failed-batch bucket and log group", () => {
    // Prepare
    const tf = synthesize();
    const stream = refTo(tf, "aws_kinesis_stream", "arn");

    // Act
    const grants = grantsOf(documentBehind(tf, "aws_iam_role_policy"));

    // Assess
    expect(Object.fromEntries(grants)).toEqual({
      "kinesis:DescribeStream": [stream],
      "kinesis:DescribeStreamSummary": [stream],
      "kinesis:GetRecords": [stream],
      "kinesis:GetShardIterator": [stream],
      "kinesis:ListShards": [stream],
      "kinesis:SubscribeToShard": [`${stream}/consumer/*`],
      "dynamodb:BatchWriteItem": [refTo(tf, "aws_dynamodb_table", "arn")],
      "sqs:SendMessage": [refToNamed(tf, "aws_sqs_queue", "tweetstream-processor-dlq", "arn")],
      // The batches the mapping gives up on (Lambda writes them with the function's role): objects, and the listing.
      "s3:PutObject": [`${refTo(tf, "aws_s3_bucket", "arn")}/*`],
      "s3:ListBucket": [refTo(tf, "aws_s3_bucket", "arn")],
      "logs:CreateLogStream": [`${refTo(tf, "aws_cloudwatch_log_group", "arn")}:*`],
      "logs:PutLogEvents": [`${refTo(tf, "aws_cloudwatch_log_group", "arn")}:*`],
    });
  });

  it.each([
    ["user", {}, "aws_iam_user_policy"],
    ["role", { PRODUCER_IDENTITY: "role" }, "aws_iam_role_policy"],
  ])(
    "the producer (%s) may only put record batches into its stream and look the stream up",
    (_, env, policyType) => {
      // Prepare
      const tf = synthesize(env);
      const stream = refTo(tf, "aws_kinesis_stream", "arn");
      const policies = Object.values(tf.resource[policyType] ?? {});
      const producerPolicy = policies.find((p) => p.name === "producer");
      const id = /aws_iam_policy_document\.([^.]+)\.json/.exec(String(producerPolicy?.policy))?.[1] ?? "";

      // Act
      const grants = grantsOf(policyDocuments(tf).get(id) ?? []);

      // Assess
      // The producer sends PutRecords only, and its readiness check calls DescribeStreamSummary.
      expect(Object.fromEntries(grants)).toEqual({
        "kinesis:PutRecords": [stream],
        "kinesis:DescribeStreamSummary": [stream],
      });
    },
  );

  it("every queue refuses requests not made over HTTPS", () => {
    // Prepare
    const tf = synthesize();
    const queueIds = Object.keys(tf.resource.aws_sqs_queue ?? {});

    // Act
    const guarded = Object.values(tf.resource.aws_sqs_queue_policy ?? {}).map((policy) => {
      const id = /aws_iam_policy_document\.([^.]+)\.json/.exec(String(policy.policy))?.[1] ?? "";
      return { queueUrl: policy.queue_url, statements: policyDocuments(tf).get(id) };
    });

    // Assess
    expect(queueIds.length).toBeGreaterThan(0);
    expect(guarded.map((g) => g.queueUrl).sort()).toEqual(
      queueIds.map((id) => `\${aws_sqs_queue.${id}.url}`).sort(),
    );
    for (const { queueUrl, statements } of guarded) {
      const queueId = /^\$\{aws_sqs_queue\.([^.]+)\.url\}$/.exec(String(queueUrl))?.[1];
      expect(statements).toEqual([
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sqs:*"],
          resources: [`\${aws_sqs_queue.${queueId}.arn}`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ]);
    }
  });

  describe("the check itself", () => {
    // The original stack's grant: logs:* on everything.
    const original: Statement = { sid: "Logs", effect: "Allow", actions: ["logs:*"], resources: ["*"] };

    function withStatement(statement: Statement): TerraformJson {
      const tf = synthesize();
      const documents = tf.data.aws_iam_policy_document ?? {};
      const [id, doc] =
        Object.entries(documents).find(([key]) => key.startsWith("processor_permissions")) ?? [];
      if (id === undefined || doc === undefined) throw new Error("processor permissions not found");
      documents[id] = { ...doc, statement: [...(doc.statement as Statement[]), statement] };
      return tf;
    }

    it("reports the original's logs:* on every resource", () => {
      // Act
      const violations = privilegeViolations(withStatement(original), UNSCOPABLE);

      // Assess
      expect(violations).toEqual([
        expect.stringContaining("wildcard action logs:*"),
        expect.stringContaining('"*" resource for logs:*'),
      ]);
    });

    it.each([
      [{ ...original, actions: ["dynamodb:PutItem"] }, '"*" resource for dynamodb:PutItem'],
      [
        { ...original, actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:*:*:*"] },
        "not one of this stack's",
      ],
      [{ ...original, actions: undefined, not_actions: ["iam:*"] }, "NotAction"],
      [
        { ...original, actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] },
        "any principal",
      ],
    ])("reports %j", (statement, expected) => {
      expect(privilegeViolations(withStatement(statement), UNSCOPABLE)).toContainEqual(
        expect.stringContaining(expected),
      );
    });

    it("reports a policy written as a literal string, which it cannot read", () => {
      // Prepare
      const tf = synthesize();
      const rolePolicy = Object.values(tf.resource.aws_iam_role_policy ?? {})[0] ?? {};
      rolePolicy.policy = JSON.stringify({ Statement: [original] });

      // Act / Assess
      expect(privilegeViolations(tf, UNSCOPABLE)).toEqual([expect.stringContaining("cannot be checked")]);
    });
  });
});
