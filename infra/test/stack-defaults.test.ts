import { isAbsolute, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  onlyResource,
  refTo,
  refToNamed,
  resourcesOf,
  SYNTH_OUTDIR,
  synthesize,
  type TerraformJson,
} from "./synth.js";

const DLQ = "tweetstream-processor-dlq";

describe("the stack with default settings", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = synthesize();
  });

  it("creates exactly the pipeline's resources", () => {
    const counts = Object.fromEntries(
      Object.entries(tf.resource).map(([type, byId]) => [type, Object.keys(byId).length]),
    );
    expect(counts).toEqual({
      aws_kinesis_stream: 1,
      aws_dynamodb_table: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
      aws_s3_bucket: 1,
      aws_s3_bucket_public_access_block: 1,
      aws_s3_bucket_ownership_controls: 1,
      aws_s3_bucket_server_side_encryption_configuration: 1,
      aws_s3_bucket_lifecycle_configuration: 1,
      aws_s3_bucket_policy: 1,
      aws_cloudwatch_log_group: 1,
      aws_iam_role: 1,
      aws_iam_role_policy: 1,
      aws_lambda_function: 1,
      aws_lambda_event_source_mapping: 1,
      aws_iam_user: 1,
      aws_iam_user_policy: 1,
      aws_iam_access_key: 1,
      aws_cloudwatch_metric_alarm: 11,
    });
  });

  it("tags every resource through the provider's default tags, in the configured region", () => {
    expect(tf.provider.aws).toEqual([
      {
        region: "us-east-1",
        default_tags: [{ tags: { Project: "tweetstream", Stack: "tweetstream", ManagedBy: "cdktf" } }],
      },
    ]);
  });

  it("keeps state in a local file outside cdktf.out, named relative to the stack directory", () => {
    // Prepare
    const stackDir = join(SYNTH_OUTDIR, "stacks", "tweetstream");

    // Act
    const path = String(tf.terraform.backend.local?.path);

    // Assess: a moved or re-cloned checkout still finds its state (an absolute path would point at the old one).
    expect(Object.keys(tf.terraform.backend)).toEqual(["local"]);
    expect(isAbsolute(path)).toBe(false);
    expect(resolve(stackDir, path)).toBe(join(process.cwd(), "terraform.tweetstream.tfstate"));
  });

  it("makes an on-demand stream encrypted with the AWS-managed key, kept 24 h", () => {
    const stream = onlyResource(tf, "aws_kinesis_stream");
    expect(stream).toMatchObject({
      name: "tweetstream-events",
      stream_mode_details: { stream_mode: "ON_DEMAND" },
      encryption_type: "KMS",
      kms_key_id: "alias/aws/kinesis",
      retention_period: 24,
    });
    expect(stream).not.toHaveProperty("shard_count");
  });

  it("makes the original's table: Username and Id keys, on demand, recoverable, encrypted, deletable", () => {
    const table = onlyResource(tf, "aws_dynamodb_table");
    expect(table).toMatchObject({
      name: "tweetstream-EventData",
      hash_key: "Username",
      range_key: "Id",
      attribute: [
        { name: "Username", type: "S" },
        { name: "Id", type: "S" },
      ],
      billing_mode: "PAY_PER_REQUEST",
      table_class: "STANDARD",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: false,
    });
    // Posts stay until RETENTION_DAYS is set (and the processor is not told to write ExpiresAt).
    expect(table).not.toHaveProperty("ttl");
    expect(onlyResource(tf, "aws_lambda_function").environment).not.toHaveProperty(
      "variables.RETENTION_DAYS",
    );
  });

  it("makes one encrypted queue that keeps the processor's dead letters 14 days", () => {
    expect(resourcesOf(tf, "aws_sqs_queue")).toEqual([
      expect.objectContaining({
        name: DLQ,
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1_209_600,
      }),
    ]);
  });

  it("keeps failed batches in a private, encrypted, HTTPS-only bucket that expires them and that destroy removes", () => {
    const bucket = refTo(tf, "aws_s3_bucket", "id");
    expect(onlyResource(tf, "aws_s3_bucket")).toEqual({
      bucket_prefix: "tweetstream-failed-batches-",
      force_destroy: true,
    });
    expect(onlyResource(tf, "aws_s3_bucket_public_access_block")).toEqual({
      bucket,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(tf, "aws_s3_bucket_ownership_controls")).toEqual({
      bucket,
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    expect(onlyResource(tf, "aws_s3_bucket_server_side_encryption_configuration")).toEqual({
      bucket,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    expect(onlyResource(tf, "aws_s3_bucket_lifecycle_configuration")).toEqual({
      bucket,
      rule: [
        expect.objectContaining({ status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 30 }] }),
      ],
    });
    const policy = onlyResource(tf, "aws_s3_bucket_policy");
    const documentId = /aws_iam_policy_document\.([^.]+)\.json/.exec(String(policy.policy))?.[1] ?? "";
    expect(tf.data.aws_iam_policy_document?.[documentId]?.statement).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["s3:*"],
        resources: [refTo(tf, "aws_s3_bucket", "arn"), `${refTo(tf, "aws_s3_bucket", "arn")}/*`],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("deploys the processor bundle as a Node 24 arm64 function wired to the table and the queue", () => {
    const fn = onlyResource(tf, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "tweetstream-DDBEventProcessor",
      runtime: "nodejs24.x",
      architectures: ["arm64"],
      handler: "index.handler",
      role: refTo(tf, "aws_iam_role", "arn"),
      memory_size: 256,
      timeout: 60,
      environment: {
        variables: {
          TABLE_NAME: refTo(tf, "aws_dynamodb_table", "name"),
          DLQ_URL: refToNamed(tf, "aws_sqs_queue", DLQ, "url"),
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
      logging_config: { log_format: "Text", log_group: refTo(tf, "aws_cloudwatch_log_group", "name") },
      depends_on: [expect.stringMatching(/^aws_iam_role_policy\./)],
    });
    // The zip lands in a folder named by the content hash, which is also the redeploy trigger.
    expect(fn.filename).toMatch(
      new RegExp(`^assets/processor_bundle_[0-9A-F]+/${String(fn.source_code_hash)}/archive\\.zip$`),
    );
  });

  it("gives the function its own log group with a retention", () => {
    expect(onlyResource(tf, "aws_cloudwatch_log_group")).toEqual({
      name: "/aws/lambda/tweetstream-DDBEventProcessor",
      retention_in_days: 30,
    });
  });

  it("maps the stream to the function with partial batch responses, bisection, bounded retries, its metrics, and the bucket for what it gives up on", () => {
    expect(onlyResource(tf, "aws_lambda_event_source_mapping")).toEqual({
      event_source_arn: refTo(tf, "aws_kinesis_stream", "arn"),
      function_name: refTo(tf, "aws_lambda_function", "arn"),
      starting_position: "TRIM_HORIZON",
      batch_size: 500,
      maximum_batching_window_in_seconds: 1,
      parallelization_factor: 1,
      function_response_types: ["ReportBatchItemFailures"],
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 10,
      maximum_record_age_in_seconds: 21_600,
      // The whole batch is kept (an SQS destination would get only its position in the stream).
      destination_config: { on_failure: { destination_arn: refTo(tf, "aws_s3_bucket", "arn") } },
      metrics_config: { metrics: ["EventCount"] },
      // Lambda checks the role can read the stream and write to the bucket when the mapping is created.
      depends_on: [`aws_iam_role_policy.${Object.keys(tf.resource.aws_iam_role_policy ?? {})[0]}`],
    });
  });

  it("creates the producer's user with an access key and its own policy; destroy removes keys made by hand", () => {
    expect(onlyResource(tf, "aws_iam_user")).toEqual({ name: "tweetstream-producer", force_destroy: true });
    expect(onlyResource(tf, "aws_iam_access_key")).toEqual({ user: refTo(tf, "aws_iam_user", "name") });
    expect(onlyResource(tf, "aws_iam_user_policy")).toMatchObject({
      user: refTo(tf, "aws_iam_user", "name"),
    });
  });

  it("alarms on iterator age, function errors, dead letters, kept batches, write and read throttling", () => {
    const alarms = Object.fromEntries(
      resourcesOf(tf, "aws_cloudwatch_metric_alarm").map((a) => [a.alarm_name, a]),
    );
    // The processor's EMF alarms and DroppedEventCount: alarm-docs.test.ts.
    expect(alarms).toMatchObject({
      "tweetstream-processor-iterator-age": expect.objectContaining({
        namespace: "AWS/Lambda",
        metric_name: "IteratorAge",
        dimensions: { FunctionName: refTo(tf, "aws_lambda_function", "function_name") },
        threshold: 300_000,
      }),
      "tweetstream-processor-errors": expect.objectContaining({
        namespace: "AWS/Lambda",
        metric_name: "Errors",
        dimensions: { FunctionName: refTo(tf, "aws_lambda_function", "function_name") },
      }),
      "tweetstream-dlq-messages": expect.objectContaining({
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: refToNamed(tf, "aws_sqs_queue", DLQ, "name") },
      }),
      "tweetstream-mapping-failures": expect.objectContaining({
        namespace: "AWS/Lambda",
        metric_name: "OnFailureDestinationDeliveredEventCount",
        dimensions: { EventSourceMappingUUID: refTo(tf, "aws_lambda_event_source_mapping", "uuid") },
        threshold: 1,
      }),
      "tweetstream-stream-write-throttled": expect.objectContaining({
        namespace: "AWS/Kinesis",
        metric_name: "WriteProvisionedThroughputExceeded",
        dimensions: { StreamName: refTo(tf, "aws_kinesis_stream", "name") },
      }),
      "tweetstream-stream-read-throttled": expect.objectContaining({
        namespace: "AWS/Kinesis",
        metric_name: "ReadProvisionedThroughputExceeded",
        dimensions: { StreamName: refTo(tf, "aws_kinesis_stream", "name") },
        statistic: "Sum",
      }),
    });
    for (const alarm of Object.values(alarms)) {
      expect(alarm).toMatchObject({
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
      });
      expect(alarm).not.toHaveProperty("alarm_actions");
    }
  });

  it("outputs the original's four values under their names, the secret marked sensitive, and what comes next", () => {
    expect(tf.output).toEqual({
      AccessKeyId: expect.objectContaining({ value: refTo(tf, "aws_iam_access_key", "id") }),
      SecretAccessKey: expect.objectContaining({
        value: refTo(tf, "aws_iam_access_key", "secret"),
        sensitive: true,
      }),
      KinesisStream: expect.objectContaining({ value: refTo(tf, "aws_kinesis_stream", "name") }),
      Region: expect.objectContaining({ value: "us-east-1" }),
      TableName: expect.objectContaining({ value: refTo(tf, "aws_dynamodb_table", "name") }),
      FunctionName: expect.objectContaining({ value: refTo(tf, "aws_lambda_function", "function_name") }),
      DeadLetterQueueUrl: expect.objectContaining({ value: refToNamed(tf, "aws_sqs_queue", DLQ, "url") }),
      FailedBatchBucket: expect.objectContaining({ value: refTo(tf, "aws_s3_bucket", "bucket") }),
      ProducerEnv: expect.objectContaining({
        value: `KINESIS_STREAM_NAME=${refTo(tf, "aws_kinesis_stream", "name")}\nAWS_REGION=us-east-1\n`,
      }),
    });
    const sensitive = Object.entries(tf.output).filter(([, output]) => output.sensitive === true);
    expect(sensitive.map(([name]) => name)).toEqual(["SecretAccessKey"]);
  });
});
