import * as z from "zod";
import {
  blankAsMissing,
  ConfigError,
  integerFromEnv,
  LOG_LEVEL_VARIABLES,
  type LogLevel,
  logLevelOf,
  problemsOf,
  required,
} from "../lambda-support/env-config.js";

export { ConfigError } from "../lambda-support/env-config.js";

const envSchema = z.object({
  TABLE_NAME: z.string({ error: required("the DynamoDB table the tweets are written to", "a table name") }),
  DLQ_URL: z.url({
    error: required("the SQS queue URL for records that can never be written", "a queue URL"),
  }),
  ...LOG_LEVEL_VARIABLES,
  // 4 concurrent BatchWriteItem calls of 25 items keep a 10,000-record batch to a few seconds without
  // bursting an on-demand table's fresh partitions into throttling.
  WRITE_CONCURRENCY: integerFromEnv(4, 1, 64),
  // Time kept back from the invocation's deadline to report failures and log after in-flight calls are aborted.
  DEADLINE_SAFETY_MARGIN_MS: integerFromEnv(1000, 0, 60_000),
  // Ceiling on BatchWriteItem attempts per chunk (the deadline usually ends retrying first).
  WRITE_MAX_ATTEMPTS: integerFromEnv(8, 1, 100),
  // Days an item stays before DynamoDB's TTL deletes it (the item's ExpiresAt); 0 (the default) keeps it forever.
  RETENTION_DAYS: integerFromEnv(0, 0, 36_500),
});

export interface ProcessorConfig {
  tableName: string;
  deadLetterQueueUrl: string;
  logLevel: LogLevel;
  writeConcurrency: number;
  safetyMarginMs: number;
  writeMaxAttempts: number;
  /** 0: items carry no ExpiresAt and stay until deleted. */
  retentionDays: number;
}

/** Reads and validates the processor's environment once, at cold start. */
export function loadConfig(env: NodeJS.ProcessEnv): ProcessorConfig {
  const parsed = envSchema.safeParse(blankAsMissing(env));
  if (!parsed.success)
    throw new ConfigError(`invalid processor configuration: ${problemsOf(parsed.error).join("; ")}`);
  const c = parsed.data;
  return {
    tableName: c.TABLE_NAME,
    deadLetterQueueUrl: c.DLQ_URL,
    logLevel: logLevelOf(c),
    writeConcurrency: c.WRITE_CONCURRENCY,
    safetyMarginMs: c.DEADLINE_SAFETY_MARGIN_MS,
    writeMaxAttempts: c.WRITE_MAX_ATTEMPTS,
    retentionDays: c.RETENTION_DAYS,
  };
}
