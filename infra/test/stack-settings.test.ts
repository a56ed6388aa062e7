import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig as loadProcessorConfig } from "../../processor/config.js";
import { LambdaBundleMissingError } from "../bundled-lambda.js";
import { InfraConfigError, readInfraConfig } from "../config.js";
import { FIXTURE_BUNDLE, onlyResource, refTo, resourcesOf, synthesize } from "./synth.js";

describe("the stack as configured", () => {
  it("names every resource after STACK_NAME and tags it so", () => {
    // Act
    const tf = synthesize({ STACK_NAME: "demo" });

    // Assess
    const names = Object.values(tf.resource)
      .flatMap((byId) => Object.values(byId))
      .flatMap((block) => [block.name, block.function_name, block.alarm_name])
      .filter((name): name is string => typeof name === "string" && !name.startsWith("${"));
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) expect(name).toMatch(/^(\/aws\/lambda\/)?demo-|^processor$|^producer$/);
    expect(tf.provider.aws[0]).toMatchObject({ default_tags: [{ tags: { Stack: "demo" } }] });
  });

  it("provisions SHARD_COUNT shards and the configured retention", () => {
    const stream = onlyResource(
      synthesize({ SHARD_COUNT: "4", STREAM_RETENTION_HOURS: "168" }),
      "aws_kinesis_stream",
    );
    expect(stream).toMatchObject({
      stream_mode_details: { stream_mode: "PROVISIONED" },
      shard_count: 4,
      retention_period: 168,
    });
  });

  it("expires items by TABLE_TTL_ATTRIBUTE and protects the table on request", () => {
    const table = onlyResource(
      synthesize({ TABLE_TTL_ATTRIBUTE: "ExpiresAt", TABLE_DELETION_PROTECTION: "true" }),
      "aws_dynamodb_table",
    );
    expect(table).toMatchObject({
      ttl: { attribute_name: "ExpiresAt", enabled: true },
      deletion_protection_enabled: true,
    });
  });

  it("keeps posts RETENTION_DAYS: TTL on ExpiresAt, and the processor told to write it", () => {
    // Act
    const tf = synthesize({ RETENTION_DAYS: "90" });

    // Assess
    expect(onlyResource(tf, "aws_dynamodb_table")).toMatchObject({
      ttl: { attribute_name: "ExpiresAt", enabled: true },
    });
    expect(onlyResource(tf, "aws_lambda_function")).toMatchObject({
      environment: { variables: { RETENTION_DAYS: "90" } },
    });
  });

  it.each(["1", "36500"])(
    "passes RETENTION_DAYS=%s to a processor that accepts it (the same range)",
    (days) => {
      const variables = onlyResource(synthesize({ RETENTION_DAYS: days }), "aws_lambda_function")
        .environment as {
        variables: Record<string, string>;
      };
      const processorEnv = { ...variables.variables, TABLE_NAME: "t", DLQ_URL: "https://sqs.example/1/q" };

      expect(loadProcessorConfig(processorEnv).retentionDays).toBe(Number(days));
      expect(() => readInfraConfig({ RETENTION_DAYS: String(Number(days) + 36_500) })).toThrow(
        InfraConfigError,
      );
      expect(() => loadProcessorConfig({ ...processorEnv, RETENTION_DAYS: "36501" })).toThrow();
    },
  );

  it("makes the table Standard-IA with TABLE_CLASS", () => {
    const tf = synthesize({ TABLE_CLASS: "STANDARD_INFREQUENT_ACCESS" });

    expect(onlyResource(tf, "aws_dynamodb_table")).toMatchObject({
      table_class: "STANDARD_INFREQUENT_ACCESS",
    });
  });

  it("passes the mapping and function settings through", () => {
    // Act
    const tf = synthesize({
      ESM_BATCH_SIZE: "100",
      ESM_BATCHING_WINDOW_SECONDS: "5",
      ESM_PARALLELIZATION_FACTOR: "3",
      ESM_MAX_RETRY_ATTEMPTS: "2",
      ESM_MAX_RECORD_AGE_SECONDS: "600",
      PROCESSOR_MEMORY_MB: "1024",
      PROCESSOR_TIMEOUT_SECONDS: "30",
      PROCESSOR_DEADLINE_SAFETY_MARGIN_MS: "2500",
      LOG_RETENTION_DAYS: "7",
    });

    // Assess
    expect(onlyResource(tf, "aws_lambda_event_source_mapping")).toMatchObject({
      batch_size: 100,
      maximum_batching_window_in_seconds: 5,
      parallelization_factor: 3,
      maximum_retry_attempts: 2,
      maximum_record_age_in_seconds: 600,
    });
    expect(onlyResource(tf, "aws_lambda_function")).toMatchObject({
      memory_size: 1024,
      timeout: 30,
      environment: { variables: { DEADLINE_SAFETY_MARGIN_MS: "2500" } },
    });
    expect(onlyResource(tf, "aws_cloudwatch_log_group")).toMatchObject({ retention_in_days: 7 });
  });

  it("encrypts the producer's secret with PRODUCER_PGP_KEY and outputs the encrypted form", () => {
    // Act
    const tf = synthesize({ PRODUCER_PGP_KEY: "keybase:someone" });

    // Assess
    expect(onlyResource(tf, "aws_iam_access_key")).toMatchObject({ pgp_key: "keybase:someone" });
    expect(tf.output.SecretAccessKey).toMatchObject({
      value: refTo(tf, "aws_iam_access_key", "encrypted_secret"),
      sensitive: true,
    });
  });

  it("gives the producer a role for ECS tasks of this account instead of a key with PRODUCER_IDENTITY=role", () => {
    // Act
    const tf = synthesize({ PRODUCER_IDENTITY: "role" });

    // Assess
    expect(tf.resource).not.toHaveProperty("aws_iam_user");
    expect(tf.resource).not.toHaveProperty("aws_iam_access_key");
    const role = resourcesOf(tf, "aws_iam_role").find((r) => r.name === "tweetstream-producer");
    const trustId =
      /aws_iam_policy_document\.([^.]+)\.json/.exec(String(role?.assume_role_policy))?.[1] ?? "";
    expect(tf.data.aws_iam_policy_document?.[trustId]?.statement).toEqual([
      {
        sid: "AssumedByService",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
        condition: [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\.[^.]+\.account_id\}$/)],
          },
        ],
      },
    ]);
    expect(Object.keys(tf.output)).not.toContain("AccessKeyId");
    expect(Object.keys(tf.output)).not.toContain("SecretAccessKey");
    expect(tf.output.ProducerRoleArn).toMatchObject({
      value: expect.stringMatching(/^\$\{aws_iam_role\.producer_/),
    });
  });

  it("lets EKS Pod Identity tag the sessions it opens", () => {
    const tf = synthesize({ PRODUCER_IDENTITY: "role", PRODUCER_ROLE_SERVICE: "pods.eks.amazonaws.com" });
    const documents = Object.values(tf.data.aws_iam_policy_document ?? {});
    const trust = documents.flatMap((d) => d.statement as { actions: string[]; principals?: unknown }[]);
    expect(trust.filter((s) => s.principals !== undefined).map((s) => s.actions)).toContainEqual([
      "sts:AssumeRole",
      "sts:TagSession",
    ]);
  });

  it("notifies ALARM_TOPIC_ARN when an alarm fires and when it clears", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:ops";
    for (const alarm of resourcesOf(synthesize({ ALARM_TOPIC_ARN: topic }), "aws_cloudwatch_metric_alarm")) {
      expect(alarm).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    }
  });

  it("keeps state in S3 with native locking when TF_STATE_BUCKET is set", () => {
    const tf = synthesize({ STACK_NAME: "demo", TF_STATE_BUCKET: "my-tf-state" });
    expect(tf.terraform.backend).toEqual({
      s3: {
        bucket: "my-tf-state",
        key: "demo/terraform.tfstate",
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
});

describe("the processor bundle", () => {
  const dirs: string[] = [];
  const copyOfFixture = (change?: string) => {
    const dir = mkdtempSync(join(tmpdir(), "tweetstream-bundle-"));
    dirs.push(dir);
    cpSync(FIXTURE_BUNDLE, dir, { recursive: true });
    if (change !== undefined) writeFileSync(join(dir, "index.mjs"), change);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const codeHash = (dir: string) => onlyResource(synthesize({}, dir), "aws_lambda_function").source_code_hash;

  it("redeploys the function when, and only when, the code changes", () => {
    // Act
    const original = codeHash(FIXTURE_BUNDLE);
    const sameCodeElsewhere = codeHash(copyOfFixture());
    const changed = codeHash(
      copyOfFixture("export const handler = async () => ({ batchItemFailures: [1] });\n"),
    );

    // Assess
    expect(sameCodeElsewhere).toBe(original);
    expect(changed).not.toBe(original);
  });

  it("must be built first, and says how", () => {
    const empty = mkdtempSync(join(tmpdir(), "tweetstream-nobundle-"));
    dirs.push(empty);
    expect(() => synthesize({}, empty)).toThrow(LambdaBundleMissingError);
    expect(() => synthesize({}, empty)).toThrow(/index\.mjs: run `npm run build:processor` first/);
  });
});
