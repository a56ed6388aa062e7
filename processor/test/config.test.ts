import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../config.js";

const valid = { TABLE_NAME: "tweetstream-EventData", DLQ_URL: "https://sqs.us-east-1.amazonaws.com/1/dlq" };

describe("loadConfig", () => {
  it("reads the table, the queue and the defaults", () => {
    expect(loadConfig(valid)).toEqual({
      tableName: "tweetstream-EventData",
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/1/dlq",
      logLevel: "info",
      writeConcurrency: 4,
      safetyMarginMs: 1000,
      writeMaxAttempts: 8,
      retentionDays: 0,
    });
  });

  it("names every missing or empty variable", () => {
    expect(() => loadConfig({ TABLE_NAME: " " })).toThrow(
      new ConfigError(
        "invalid processor configuration: TABLE_NAME is required: the DynamoDB table the tweets are written to; " +
          "DLQ_URL is required: the SQS queue URL for records that can never be written",
      ),
    );
  });

  it("rejects values of the wrong shape", () => {
    expect(() => loadConfig({ ...valid, DLQ_URL: "dlq" })).toThrow("DLQ_URL must be a queue URL");
    expect(() => loadConfig({ ...valid, WRITE_CONCURRENCY: "0" })).toThrow(/WRITE_CONCURRENCY/);
    expect(() => loadConfig({ ...valid, LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("follows Lambda's log level control unless LOG_LEVEL says otherwise", () => {
    expect(loadConfig({ ...valid, AWS_LAMBDA_LOG_LEVEL: "DEBUG" }).logLevel).toBe("debug");
    expect(loadConfig({ ...valid, AWS_LAMBDA_LOG_LEVEL: "DEBUG", LOG_LEVEL: "warn" }).logLevel).toBe("warn");
  });
});

describe("handler cold start", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["TABLE_NAME", /TABLE_NAME is required/],
    ["DLQ_URL", /DLQ_URL is required/],
  ])("fails to load without %s, naming it", async (missing, message) => {
    for (const [name, value] of Object.entries(valid)) vi.stubEnv(name, name === missing ? undefined : value);
    vi.resetModules();

    await expect(import("../handler.js")).rejects.toThrow(message);
  });
});
