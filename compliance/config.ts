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
  TABLE_NAME: z.string({ error: required("the DynamoDB table of stored posts", "a table name") }),
  X_BEARER_TOKEN: z.string().optional(),
  X_BEARER_TOKEN_SECRET_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
      "must be a Secrets Manager secret ARN",
    )
    .optional(),
  // As the producer reads it: tests and the local pipeline point it at the X emulator.
  X_API_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .default("https://api.x.com"),
  COMPLIANCE_DRY_RUN: z.enum(["true", "false"], "must be true or false").default("false"),
  // X's documentation states no per-job id limit that we could find (see README); 500,000 ids make an
  // upload of about 10 MB. Measured (npm run measure:compliance, root README's Compliance section): such a
  // round completes within 286 MB RSS with the V8 heap limited to 300 MB.
  COMPLIANCE_MAX_IDS_PER_JOB: integerFromEnv(500_000, 1, 100_000_000),
  // 4 segments read 4 pages at a time: a 100,000-post table is scanned in seconds without bursting an
  // on-demand table's partitions.
  COMPLIANCE_SCAN_SEGMENTS: integerFromEnv(4, 1, 64),
  // 20 s between status calls for two jobs is 90 calls per 15 minutes, under X's 150 per 15 minutes.
  COMPLIANCE_POLL_INTERVAL_MS: integerFromEnv(20_000, 10, 600_000),
  // Kept back from the invocation's deadline to write the checkpoint and the summary.
  DEADLINE_SAFETY_MARGIN_MS: integerFromEnv(10_000, 0, 120_000),
  WRITE_CONCURRENCY: integerFromEnv(4, 1, 64),
  WRITE_MAX_ATTEMPTS: integerFromEnv(8, 1, 100),
  // Attempts per 25-item chunk of the sweeper's own state (a round's uploads, the checkpoint): up to ~50 items of
  // ~80 KB, each under its own key; more attempts than deletes get (backoff capped at 3 s: ~40 s at most), since a
  // round whose uploads cannot be stored cannot start.
  STATE_WRITE_MAX_ATTEMPTS: integerFromEnv(20, 1, 100),
  // Attempts per Scan page, Query page or UpdateItem (the SDK's standard retry): a throttled partition or a
  // reset socket costs a retry, not the sweep.
  READ_MAX_ATTEMPTS: integerFromEnv(8, 1, 100),
  ...LOG_LEVEL_VARIABLES,
});

export interface ComplianceConfig {
  tableName: string;
  token: { kind: "value"; value: string } | { kind: "secret"; arn: string };
  xApiBaseUrl: string;
  dryRun: boolean;
  maxIdsPerJob: number;
  scanSegments: number;
  pollIntervalMs: number;
  safetyMarginMs: number;
  writeConcurrency: number;
  writeMaxAttempts: number;
  readMaxAttempts: number;
  stateWriteMaxAttempts: number;
  logLevel: LogLevel;
}

/** Reads and validates the sweeper's environment once, at cold start. */
export function loadConfig(env: NodeJS.ProcessEnv): ComplianceConfig {
  const given = blankAsMissing(env);
  const parsed = envSchema.safeParse(given);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  const hasToken = given.X_BEARER_TOKEN !== undefined;
  const hasArn = given.X_BEARER_TOKEN_SECRET_ARN !== undefined;
  if (hasToken === hasArn)
    problems.push(
      hasToken
        ? "X_BEARER_TOKEN: set either X_BEARER_TOKEN or X_BEARER_TOKEN_SECRET_ARN, not both"
        : "X_BEARER_TOKEN: not set; expected X_BEARER_TOKEN (local) or X_BEARER_TOKEN_SECRET_ARN (deployed)",
    );
  // Each scan segment reads at least one post per round: fewer ids per job than segments overfills a job.
  if (parsed.success && parsed.data.COMPLIANCE_MAX_IDS_PER_JOB < parsed.data.COMPLIANCE_SCAN_SEGMENTS)
    problems.push(
      `COMPLIANCE_MAX_IDS_PER_JOB (${parsed.data.COMPLIANCE_MAX_IDS_PER_JOB}) must be at least COMPLIANCE_SCAN_SEGMENTS (${parsed.data.COMPLIANCE_SCAN_SEGMENTS}): every segment reads at least one post per round, so a job would get more ids than its cap`,
    );
  if (!parsed.success || problems.length > 0)
    throw new ConfigError(`invalid compliance configuration: ${problems.join("; ")}`);
  const c = parsed.data;
  return {
    tableName: c.TABLE_NAME,
    token:
      c.X_BEARER_TOKEN !== undefined
        ? { kind: "value", value: c.X_BEARER_TOKEN }
        : { kind: "secret", arn: c.X_BEARER_TOKEN_SECRET_ARN ?? "" },
    xApiBaseUrl: c.X_API_BASE_URL,
    dryRun: c.COMPLIANCE_DRY_RUN === "true",
    maxIdsPerJob: c.COMPLIANCE_MAX_IDS_PER_JOB,
    scanSegments: c.COMPLIANCE_SCAN_SEGMENTS,
    pollIntervalMs: c.COMPLIANCE_POLL_INTERVAL_MS,
    safetyMarginMs: c.DEADLINE_SAFETY_MARGIN_MS,
    writeConcurrency: c.WRITE_CONCURRENCY,
    writeMaxAttempts: c.WRITE_MAX_ATTEMPTS,
    readMaxAttempts: c.READ_MAX_ATTEMPTS,
    stateWriteMaxAttempts: c.STATE_WRITE_MAX_ATTEMPTS,
    logLevel: logLevelOf(c),
  };
}
