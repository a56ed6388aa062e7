import { resolve } from "node:path";
import { InfraConfigError, readInfraConfig } from "../../infra/config.js";
import type { MappingSettings } from "../../infra/mapping-settings.js";
import { isKinesisEngine, KINESIS_ENGINES, type KinesisEngine } from "../emulators/kinesis-engine.js";

/** Settings of the local pipeline (`npm start`), read once from the environment. */
export interface LocalConfig {
  stackName: string;
  region: string;
  ports: { producer: number; kinesis: number; dynamodb: number; sqs: number; x: number };
  host: string;
  tweetsPerSecond: number;
  shardCount: number;
  progressIntervalMs: number;
  /** The Kinesis engine behind the local stream (LOCAL_KINESIS_ENGINE). */
  kinesisEngine: KinesisEngine;
  /**
   * The event source mapping's settings and the function timeout, read as the stack reads them (infra/config.ts:
   * ESM_* and PROCESSOR_TIMEOUT_SECONDS, with the stack's defaults), so the local mapping behaves as the deployed one.
   */
  mapping: MappingSettings;
  functionTimeoutSeconds: number;
  /**
   * The mapping's on-failure destination: a folder where each batch it gives up on is kept whole, as Lambda keeps
   * it in the stack's failed-batch bucket (LOCAL_FAILED_BATCHES_DIR). `npm run replay -- <folder>` writes it.
   */
  failedBatchesDir: string;
  /** A network outage between the emulator and the producer every `everyMs`, `durationMs` long, to watch
   * recovery fill the gap (LOCAL_X_OUTAGE_EVERY_MS, LOCAL_X_OUTAGE_MS). Unset: no outage. */
  xOutage?: { everyMs: number; durationMs: number };
  /** Set when the user brings real X credentials: the emulator is then not started. */
  realX: { bearerToken: string; baseUrl: string; rules: string | undefined } | undefined;
}

export class LocalConfigError extends Error {
  override readonly name = "LocalConfigError";
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LocalConfigError(`${name}: expected an integer from ${min} to ${max}`);
  }
  return value;
}

function kinesisEngine(env: NodeJS.ProcessEnv): KinesisEngine {
  const name = env.LOCAL_KINESIS_ENGINE || DEFAULT_KINESIS_ENGINE;
  if (!isKinesisEngine(name)) {
    throw new LocalConfigError(`LOCAL_KINESIS_ENGINE: expected one of ${KINESIS_ENGINES.join(", ")}`);
  }
  return name;
}

/** Chosen on measured figures: local/README.md, "Kinesis engines". */
export const DEFAULT_KINESIS_ENGINE: KinesisEngine = "kinesalite";

function stackSettings(env: NodeJS.ProcessEnv) {
  try {
    const infra = readInfraConfig(env);
    // The bucket's retention has no local meaning: kept batches stay in their folder until deleted.
    const { failedBatchRetentionDays: _, ...mapping } = infra.mapping;
    return { mapping, functionTimeoutSeconds: infra.processor.timeoutSeconds };
  } catch (err) {
    if (err instanceof InfraConfigError) throw new LocalConfigError(err.message);
    throw err;
  }
}

function xOutage(env: NodeJS.ProcessEnv): Pick<LocalConfig, "xOutage"> {
  const everyMs = int(env, "LOCAL_X_OUTAGE_EVERY_MS", 0, 0, 86_400_000);
  const durationMs = int(env, "LOCAL_X_OUTAGE_MS", 8000, 100, 300_000);
  if (everyMs === 0) return {};
  if (durationMs >= everyMs) {
    throw new LocalConfigError("LOCAL_X_OUTAGE_MS: must be shorter than LOCAL_X_OUTAGE_EVERY_MS");
  }
  return { xOutage: { everyMs, durationMs } };
}

export function loadLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const bearerToken = env.X_BEARER_TOKEN;
  return {
    stackName: env.STACK_NAME || "tweetstream",
    region: env.AWS_REGION || "us-east-1",
    // Fixed, printed ports so the AWS CLI or any SDK can be pointed at the emulators.
    ports: {
      producer: int(env, "PORT", 3000, 0, 65535),
      kinesis: int(env, "LOCAL_KINESIS_PORT", 4567, 0, 65535),
      dynamodb: int(env, "LOCAL_DYNAMODB_PORT", 4568, 0, 65535),
      sqs: int(env, "LOCAL_SQS_PORT", 4569, 0, 65535),
      x: int(env, "LOCAL_X_PORT", 4570, 0, 65535),
    },
    host: env.LOCAL_HOST || "127.0.0.1",
    tweetsPerSecond: int(env, "LOCAL_TWEETS_PER_SECOND", 50, 0, 100_000),
    shardCount: int(env, "LOCAL_SHARD_COUNT", 2, 1, 50),
    progressIntervalMs: int(env, "LOCAL_PROGRESS_INTERVAL_MS", 5000, 100, 3_600_000),
    kinesisEngine: kinesisEngine(env),
    // Beside the checkout, not in a temporary folder: a kept batch must outlive the run that kept it.
    failedBatchesDir: resolve(env.LOCAL_FAILED_BATCHES_DIR || ".tweetstream-local/failed-batches"),
    ...stackSettings(env),
    ...xOutage(env),
    realX: bearerToken
      ? { bearerToken, baseUrl: env.X_API_BASE_URL || "https://api.x.com", rules: env.X_STREAM_RULES }
      : undefined,
  };
}
