import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";

const BASE = { TABLE_NAME: "t", X_BEARER_TOKEN: "secret-token-value" };
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tweetstream-x-bearer-token-AbCdEf";

describe("compliance config", () => {
  it("reads the defaults once", () => {
    expect(loadConfig(BASE)).toMatchObject({
      tableName: "t",
      token: { kind: "value", value: "secret-token-value" },
      xApiBaseUrl: "https://api.x.com",
      dryRun: false,
      maxIdsPerJob: 500_000,
      scanSegments: 4,
      pollIntervalMs: 20_000,
    });
    expect(loadConfig({ TABLE_NAME: "t", X_BEARER_TOKEN_SECRET_ARN: ARN }).token).toEqual({
      kind: "secret",
      arn: ARN,
    });
  });

  it.each([
    [{ X_BEARER_TOKEN: "x" }, /TABLE_NAME is required/],
    [{ TABLE_NAME: "t" }, /X_BEARER_TOKEN: not set/],
    [{ ...BASE, X_BEARER_TOKEN_SECRET_ARN: ARN }, /either X_BEARER_TOKEN or X_BEARER_TOKEN_SECRET_ARN/],
    [
      { TABLE_NAME: "t", X_BEARER_TOKEN_SECRET_ARN: "tweetstream-token" },
      /X_BEARER_TOKEN_SECRET_ARN must be a Secrets Manager secret ARN/,
    ],
    [{ ...BASE, X_API_BASE_URL: "ftp://x" }, /X_API_BASE_URL/],
    [{ ...BASE, COMPLIANCE_DRY_RUN: "yes" }, /COMPLIANCE_DRY_RUN must be true or false/],
    [{ ...BASE, COMPLIANCE_MAX_IDS_PER_JOB: "0" }, /COMPLIANCE_MAX_IDS_PER_JOB/],
    [
      { ...BASE, COMPLIANCE_MAX_IDS_PER_JOB: "3", COMPLIANCE_SCAN_SEGMENTS: "4" },
      /COMPLIANCE_MAX_IDS_PER_JOB \(3\) must be at least COMPLIANCE_SCAN_SEGMENTS \(4\)/,
    ],
  ])("rejects %o naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("accepts as many ids per job as scan segments", () => {
    expect(
      loadConfig({ ...BASE, COMPLIANCE_MAX_IDS_PER_JOB: "4", COMPLIANCE_SCAN_SEGMENTS: "4" }),
    ).toMatchObject({
      maxIdsPerJob: 4,
      scanSegments: 4,
    });
  });

  it("never puts the token in an error message", () => {
    expect(() => loadConfig({ ...BASE, TABLE_NAME: "" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("secret-token-value") }),
    );
  });
});
