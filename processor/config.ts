import * as z from "zod";

/** Thrown at cold start when the environment is incomplete: the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const integerFromEnv = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const required = (what: string, shape: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `is required: ${what}` : `must be ${shape}`;

const envSchema = z.object({
  TABLE_NAME: z.string({ error: required("the DynamoDB table the tweets are written to", "a table name") }),
  DLQ_URL: z.url({
    error: required("the SQS queue URL for records that can never be written", "a queue URL"),
  }),
  // Lambda's advanced logging controls set AWS_LAMBDA_LOG_LEVEL; LOG_LEVEL wins when both are set.
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  AWS_LAMBDA_LOG_LEVEL: z
    .string()
    .transform((level) => level.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .optional(),
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
  logLevel: (typeof LOG_LEVELS)[number];
  writeConcurrency: number;
  safetyMarginMs: number;
  writeMaxAttempts: number;
  /** 0: items carry no ExpiresAt and stay until deleted. */
  retentionDays: number;
}

/** Reads and validates the processor's environment once, at cold start. */
export function loadConfig(env: NodeJS.ProcessEnv): ProcessorConfig {
  const parsed = envSchema.safeParse(blankAsMissing(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigError(`invalid processor configuration: ${problems.join("; ")}`);
  }
  const c = parsed.data;
  return {
    tableName: c.TABLE_NAME,
    deadLetterQueueUrl: c.DLQ_URL,
    logLevel: c.LOG_LEVEL ?? c.AWS_LAMBDA_LOG_LEVEL ?? "info",
    writeConcurrency: c.WRITE_CONCURRENCY,
    safetyMarginMs: c.DEADLINE_SAFETY_MARGIN_MS,
    writeMaxAttempts: c.WRITE_MAX_ATTEMPTS,
    retentionDays: c.RETENTION_DAYS,
  };
}

// An empty variable is as good as an unset one: `TABLE_NAME=` should fail the same way.
function blankAsMissing(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value.trim() !== "") out[key] = value;
  return out;
}
