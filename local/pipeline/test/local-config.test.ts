import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readInfraConfig } from "../../../infra/config.js";
import { MAPPING_DEFAULTS } from "../../../infra/mapping-settings.js";
import { DEFAULT_KINESIS_ENGINE, LocalConfigError, loadLocalConfig } from "../local-config.js";

describe("loadLocalConfig", () => {
  it("gives the local mapping the deployed stack's settings: batch 500, window 1 s, 10 retries, 6 h record age", () => {
    const config = loadLocalConfig({});

    expect(config.mapping).toEqual(MAPPING_DEFAULTS);
    expect(readInfraConfig({}).mapping).toMatchObject(config.mapping);
    expect(config.mapping).toMatchObject({
      batchSize: 500,
      batchingWindowSeconds: 1,
      maxRetryAttempts: 10,
      maxRecordAgeSeconds: 21_600,
    });
    expect(config.functionTimeoutSeconds).toBe(readInfraConfig({}).processor.timeoutSeconds);
  });

  it("reads the ESM_* overrides the stack reads, with the stack's validation", () => {
    expect(loadLocalConfig({ ESM_BATCH_SIZE: "100", ESM_MAX_RETRY_ATTEMPTS: "3" }).mapping).toMatchObject({
      batchSize: 100,
      maxRetryAttempts: 3,
    });
    expect(() => loadLocalConfig({ ESM_BATCH_SIZE: "0" })).toThrow(LocalConfigError);
    expect(() => loadLocalConfig({ ESM_BATCH_SIZE: "0" })).toThrow(/ESM_BATCH_SIZE: expected a whole number/);
  });

  it("keeps the batches the mapping gives up on in LOCAL_FAILED_BATCHES_DIR, beside the checkout by default", () => {
    expect(loadLocalConfig({}).failedBatchesDir).toBe(resolve(".tweetstream-local/failed-batches"));
    expect(loadLocalConfig({ LOCAL_FAILED_BATCHES_DIR: "/var/tmp/kept" }).failedBatchesDir).toBe(
      "/var/tmp/kept",
    );
  });

  it("selects the Kinesis engine by LOCAL_KINESIS_ENGINE and names the choices when it is wrong", () => {
    expect(loadLocalConfig({}).kinesisEngine).toBe(DEFAULT_KINESIS_ENGINE);
    expect(loadLocalConfig({ LOCAL_KINESIS_ENGINE: "kinesis-local" }).kinesisEngine).toBe("kinesis-local");
    expect(loadLocalConfig({ LOCAL_KINESIS_ENGINE: "kinesalite" }).kinesisEngine).toBe("kinesalite");
    expect(() => loadLocalConfig({ LOCAL_KINESIS_ENGINE: "localstack" })).toThrow(
      "LOCAL_KINESIS_ENGINE: expected one of kinesis-local, kinesalite",
    );
  });
});
