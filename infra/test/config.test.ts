import { describe, expect, it } from "vitest";
import { InfraConfigError, readInfraConfig } from "../config.js";

describe("readInfraConfig", () => {
  it("has a default for everything, so an empty environment synthesizes the documented stack", () => {
    // Act
    const config = readInfraConfig({});

    // Assess
    expect(config).toEqual({
      stackName: "tweetstream",
      region: "us-east-1",
      stream: { shardCount: undefined, retentionHours: 24 },
      table: { ttlAttribute: undefined, deletionProtection: false, tableClass: "STANDARD" },
      processor: {
        memoryMb: 256,
        timeoutSeconds: 60,
        deadlineSafetyMarginMs: 1000,
        logRetentionDays: 30,
        retentionDays: undefined,
      },
      mapping: {
        batchSize: 500,
        batchingWindowSeconds: 1,
        parallelizationFactor: 1,
        maxRetryAttempts: 10,
        maxRecordAgeSeconds: 21_600,
        failedBatchRetentionDays: 30,
      },
      producer: { identity: "user", pgpKey: undefined },
      alarms: { topicArn: undefined, iteratorAgeSeconds: 300 },
      compliance: {
        schedule: "rate(1 day)",
        memoryMb: 1024,
        timeoutSeconds: 900,
        dryRun: false,
        reserveConcurrency: false,
      },
      stateBackend: { kind: "local" },
    });
  });

  it("reads every variable it documents", () => {
    // Prepare
    const env = {
      STACK_NAME: "demo",
      AWS_REGION: "eu-west-1",
      SHARD_COUNT: "2",
      STREAM_RETENTION_HOURS: "48",
      TABLE_TTL_ATTRIBUTE: "ExpiresAt",
      TABLE_DELETION_PROTECTION: "true",
      RETENTION_DAYS: "90",
      TABLE_CLASS: "STANDARD_INFREQUENT_ACCESS",
      PROCESSOR_MEMORY_MB: "512",
      PROCESSOR_TIMEOUT_SECONDS: "120",
      PROCESSOR_DEADLINE_SAFETY_MARGIN_MS: "2000",
      LOG_RETENTION_DAYS: "14",
      ESM_BATCH_SIZE: "100",
      ESM_BATCHING_WINDOW_SECONDS: "0",
      ESM_PARALLELIZATION_FACTOR: "4",
      ESM_MAX_RETRY_ATTEMPTS: "3",
      ESM_MAX_RECORD_AGE_SECONDS: "3600",
      FAILED_BATCH_RETENTION_DAYS: "7",
      PRODUCER_IDENTITY: "role",
      PRODUCER_ROLE_SERVICE: "pods.eks.amazonaws.com",
      ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:ops",
      ALARM_ITERATOR_AGE_SECONDS: "60",
      TF_STATE_BUCKET: "my-state",
      TF_STATE_KEY: "envs/demo.tfstate",
      TF_STATE_REGION: "eu-central-1",
      COMPLIANCE: "on",
      COMPLIANCE_SCHEDULE: "rate(12 hours)",
      COMPLIANCE_MEMORY_MB: "1024",
      COMPLIANCE_TIMEOUT_SECONDS: "600",
      COMPLIANCE_DRY_RUN: "true",
      COMPLIANCE_RESERVE_CONCURRENCY: "true",
    };

    // Act
    const config = readInfraConfig(env);

    // Assess
    expect(config).toEqual({
      stackName: "demo",
      region: "eu-west-1",
      stream: { shardCount: 2, retentionHours: 48 },
      table: {
        ttlAttribute: "ExpiresAt",
        deletionProtection: true,
        tableClass: "STANDARD_INFREQUENT_ACCESS",
      },
      processor: {
        memoryMb: 512,
        timeoutSeconds: 120,
        deadlineSafetyMarginMs: 2000,
        logRetentionDays: 14,
        retentionDays: 90,
      },
      mapping: {
        batchSize: 100,
        batchingWindowSeconds: 0,
        parallelizationFactor: 4,
        maxRetryAttempts: 3,
        maxRecordAgeSeconds: 3600,
        failedBatchRetentionDays: 7,
      },
      producer: { identity: "role", trustedService: "pods.eks.amazonaws.com" },
      alarms: { topicArn: "arn:aws:sns:eu-west-1:123456789012:ops", iteratorAgeSeconds: 60 },
      compliance: {
        schedule: "rate(12 hours)",
        memoryMb: 1024,
        timeoutSeconds: 600,
        dryRun: true,
        reserveConcurrency: true,
      },
      stateBackend: { kind: "s3", bucket: "my-state", key: "envs/demo.tfstate", region: "eu-central-1" },
    });
  });

  it("treats empty variables as unset and derives the state key and region from the stack", () => {
    // Act
    const config = readInfraConfig({
      STACK_NAME: "demo",
      SHARD_COUNT: " ",
      AWS_REGION: "",
      TF_STATE_BUCKET: "b-1",
    });

    // Assess
    expect(config.stream.shardCount).toBeUndefined();
    expect(config.stateBackend).toEqual({
      kind: "s3",
      bucket: "b-1",
      key: "demo/terraform.tfstate",
      region: "us-east-1",
    });
  });

  it("rejects a function timeout at or below the processor's safety margin, naming both settings", () => {
    // Before: PROCESSOR_TIMEOUT_SECONDS=1 synthesized, and every invocation kept back its whole second.
    expect(() => readInfraConfig({ PROCESSOR_TIMEOUT_SECONDS: "1" })).toThrow(
      'PROCESSOR_TIMEOUT_SECONDS: must be longer than PROCESSOR_DEADLINE_SAFETY_MARGIN_MS (1000 ms), the time the processor keeps back from every invocation: it would leave no time to write (got "1")',
    );
    expect(() =>
      readInfraConfig({ PROCESSOR_TIMEOUT_SECONDS: "5", PROCESSOR_DEADLINE_SAFETY_MARGIN_MS: "5000" }),
    ).toThrow(
      /PROCESSOR_TIMEOUT_SECONDS: must be longer than PROCESSOR_DEADLINE_SAFETY_MARGIN_MS \(5000 ms\)/,
    );
    expect(
      readInfraConfig({ PROCESSOR_TIMEOUT_SECONDS: "1", PROCESSOR_DEADLINE_SAFETY_MARGIN_MS: "200" })
        .processor,
    ).toMatchObject({ timeoutSeconds: 1, deadlineSafetyMarginMs: 200 });
  });

  it("accepts a PGP key for the producer's secret, whitespace and all", () => {
    expect(readInfraConfig({ PRODUCER_PGP_KEY: "mQENBF\n  xyz+/==" }).producer).toEqual({
      identity: "user",
      pgpKey: "mQENBFxyz+/==",
    });
    expect(readInfraConfig({ PRODUCER_PGP_KEY: "keybase:someone" }).producer).toMatchObject({
      pgpKey: "keybase:someone",
    });
  });

  it.each([
    ["STACK_NAME", "has space", "letters, digits"],
    ["STACK_NAME", "a".repeat(33), "1-32"],
    ["STACK_NAME", "1stack", "starting with a letter"],
    ["AWS_REGION", "mars", "AWS region code"],
    ["SHARD_COUNT", "0", "from 1 to 10000"],
    ["SHARD_COUNT", "two", "whole number"],
    ["STREAM_RETENTION_HOURS", "12", "from 24 to 8760"],
    ["TABLE_TTL_ATTRIBUTE", "Id", "key attribute"],
    ["TABLE_DELETION_PROTECTION", "yes", "true or false"],
    ["RETENTION_DAYS", "0", "from 1 to 36500"],
    ["RETENTION_DAYS", "30d", "whole number"],
    ["TABLE_CLASS", "INFREQUENT", "one of STANDARD, STANDARD_INFREQUENT_ACCESS"],
    ["FAILED_BATCH_RETENTION_DAYS", "0", "from 1 to 3650"],
    ["PROCESSOR_MEMORY_MB", "64", "from 128 to 10240"],
    ["PROCESSOR_TIMEOUT_SECONDS", "901", "from 1 to 900"],
    ["LOG_RETENTION_DAYS", "10", "one of 1, 3, 5"],
    ["ESM_BATCH_SIZE", "10001", "from 1 to 10000"],
    ["ESM_BATCHING_WINDOW_SECONDS", "1.5", "whole number"],
    ["ESM_PARALLELIZATION_FACTOR", "11", "from 1 to 10"],
    ["ESM_MAX_RETRY_ATTEMPTS", "-1", "whole number"],
    ["ESM_MAX_RECORD_AGE_SECONDS", "30", "from 60 to 604800"],
    ["PRODUCER_IDENTITY", "key", "user or role"],
    ["PRODUCER_PGP_KEY", "not a key!", "keybase:<name>"],
    ["PRODUCER_ROLE_SERVICE", "ecs-tasks", "service principal"],
    ["ALARM_TOPIC_ARN", "ops-topic", "SNS topic ARN"],
    ["ALARM_ITERATOR_AGE_SECONDS", "0", "from 1 to 604800"],
    ["TF_STATE_BUCKET", "My_Bucket", "S3 bucket name"],
  ])("rejects %s=%j with a line naming it (%s)", (name, value, expected) => {
    // Act
    const read = () => readInfraConfig({ [name]: value });

    // Assess
    expect(read).toThrow(InfraConfigError);
    expect(read).toThrow(
      new RegExp(`\\n  ${name}: [^\\n]*${escapeRegExp(expected)}[^\\n]*\\(got "${escapeRegExp(value)}"\\)`),
    );
  });

  it.each([
    [
      { ESM_MAX_RECORD_AGE_SECONDS: "86400" },
      "ESM_MAX_RECORD_AGE_SECONDS: must be below the stream retention",
    ],
    [{ PRODUCER_IDENTITY: "role", PRODUCER_PGP_KEY: "keybase:x" }, "PRODUCER_PGP_KEY: only applies with"],
    [{ TF_STATE_KEY: "state" }, "TF_STATE_KEY: only applies with TF_STATE_BUCKET"],
    [
      { RETENTION_DAYS: "30", TABLE_TTL_ATTRIBUTE: "DeleteAfter" },
      "TABLE_TTL_ATTRIBUTE: a table has one TTL attribute, and RETENTION_DAYS needs it to be ExpiresAt",
    ],
    [{ TF_STATE_REGION: "eu-west-1" }, "TF_STATE_REGION: only applies with TF_STATE_BUCKET"],
  ])("rejects the combination %j", (env, expected) => {
    expect(() => readInfraConfig(env)).toThrow(expected);
  });

  it.each([
    "rate(1 days)",
    "rate(2 day)",
    "rate(0 days)",
    "rate(02 days)",
    "cron(0 3 * * *)",
    "cron(0 3 * * ? * *)",
  ])("rejects COMPLIANCE_SCHEDULE=%s, which EventBridge refuses", (schedule) => {
    expect(() => readInfraConfig({ COMPLIANCE_SCHEDULE: schedule })).toThrow(
      /COMPLIANCE_SCHEDULE: expected an EventBridge schedule expression/,
    );
  });

  it.each(["rate(1 day)", "rate(2 days)", "rate(1 hour)", "rate(30 hours)", "cron(0 3 * * ? *)"])(
    "accepts COMPLIANCE_SCHEDULE=%s",
    (schedule) => {
      expect(readInfraConfig({ COMPLIANCE_SCHEDULE: schedule }).compliance?.schedule).toBe(schedule);
    },
  );

  it("names every wrong variable at once", () => {
    // Act
    const read = () => readInfraConfig({ SHARD_COUNT: "x", AWS_REGION: "y" });

    // Assess
    expect(read).toThrow(/AWS_REGION: .*\n {2}SHARD_COUNT: /);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
