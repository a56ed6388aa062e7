import { z } from "zod";
import { MAPPING_DEFAULTS } from "./mapping-settings.js";
import { scheduleProblem, shortestIntervalSeconds } from "./schedule-expression.js";

/**
 * Everything the stack can be told, read once from the environment when the app starts.
 * A wrong value stops synthesis with one line per variable that names it and says what is expected.
 */
export interface InfraConfig {
  readonly stackName: string;
  readonly region: string;
  readonly stream: { readonly shardCount: number | undefined; readonly retentionHours: number };
  readonly table: {
    /** The TTL attribute: `ExpiresAt` with RETENTION_DAYS, else TABLE_TTL_ATTRIBUTE; undefined keeps items forever. */
    readonly ttlAttribute: string | undefined;
    readonly deletionProtection: boolean;
    readonly tableClass: TableClass;
  };
  readonly processor: {
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    /** Passed to the function as DEADLINE_SAFETY_MARGIN_MS; the timeout must be longer. */
    readonly deadlineSafetyMarginMs: number;
    readonly logRetentionDays: number;
    /** Passed to the function as RETENTION_DAYS: it then writes `ExpiresAt`; undefined keeps posts forever. */
    readonly retentionDays: number | undefined;
  };
  readonly mapping: {
    readonly batchSize: number;
    readonly batchingWindowSeconds: number;
    readonly parallelizationFactor: number;
    readonly maxRetryAttempts: number;
    readonly maxRecordAgeSeconds: number;
    /** Days the failed-batch bucket keeps a batch the mapping gave up on (its lifecycle rule). */
    readonly failedBatchRetentionDays: number;
  };
  readonly producer:
    | { readonly identity: "user"; readonly pgpKey: string | undefined }
    | { readonly identity: "role"; readonly trustedService: string };
  readonly alarms: { readonly topicArn: string | undefined; readonly iteratorAgeSeconds: number };
  /** The compliance sweeper (issue 14); `undefined` with COMPLIANCE=off. */
  readonly compliance:
    | {
        readonly schedule: string;
        readonly memoryMb: number;
        readonly timeoutSeconds: number;
        readonly dryRun: boolean;
        readonly reserveConcurrency: boolean;
      }
    | undefined;
  readonly stateBackend:
    | { readonly kind: "local"; readonly path: string | undefined }
    | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string };
}

/** The attribute the processor writes when RETENTION_DAYS is set (epoch seconds), and the table's TTL reads. */
export const EXPIRY_ATTRIBUTE = "ExpiresAt";

export const TABLE_CLASSES = ["STANDARD", "STANDARD_INFREQUENT_ACCESS"] as const;
export type TableClass = (typeof TABLE_CLASSES)[number];

export class InfraConfigError extends Error {
  override readonly name = "InfraConfigError";
}

/** The retention periods CloudWatch Logs accepts; anything else is rejected by the API at deploy time. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `expected a whole number from ${min} to ${max}`)
        .max(max, `expected a whole number from ${min} to ${max}`),
    );

const boolean = z.enum(["true", "false"], "expected true or false").transform((v) => v === "true");

const envSchema = z
  .object({
    // Used in every resource name; the tightest rule among them (Lambda, SQS, Kinesis, IAM) wins, and the
    // longest derived name ("<stack>-DDBEventProcessor-role") stays under IAM's 64-character limit.
    STACK_NAME: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_-]{0,31}$/,
        "expected 1-32 letters, digits, '-' or '_', starting with a letter",
      )
      .default("tweetstream"),
    AWS_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region code such as us-east-1")
      .default("us-east-1"),
    // Unset: on-demand capacity, which scales shards with the tweet rate. Set: provisioned with that many shards.
    SHARD_COUNT: integer(1, 10_000).optional(),
    // 24 h is Kinesis's included retention; longer costs extra per shard-hour.
    STREAM_RETENTION_HOURS: integer(24, 8760).default(24),
    TABLE_TTL_ATTRIBUTE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,255}$/, "expected a DynamoDB attribute name")
      .refine((name) => name !== "Username" && name !== "Id", "a key attribute cannot be the TTL attribute")
      .optional(),
    // Off by default: posts stay until the compliance sweep removes them, as before. Set, the processor writes
    // ExpiresAt (the time it writes the item + this many days) and DynamoDB's TTL deletes the item within days after it, at no
    // write cost. Items written before it was set have no ExpiresAt and stay. infra/README.md: "Retention".
    RETENTION_DAYS: integer(1, 36_500).optional(),
    // STANDARD by default: a young table's bill is writes, and Standard-IA charges 25% more per write for 60% less
    // per GB stored. infra/README.md: "Table class" gives the break-even.
    TABLE_CLASS: z.enum(TABLE_CLASSES, `expected one of ${TABLE_CLASSES.join(", ")}`).default("STANDARD"),
    // Off so that `npm run destroy` removes everything, as the original stack's deletion did; turn it on for
    // a table you keep for months (destroy then stops at the table until you turn it off again).
    TABLE_DELETION_PROTECTION: boolean.default(false),
    // 256 MB on arm64: a 500-record batch decodes in a few MB; memory also buys CPU, so raise it if Duration is high.
    PROCESSOR_MEMORY_MB: integer(128, 10_240).default(256),
    // 60 s: far above a healthy batch (well under a second) and enough for the handler's in-invocation retries
    // with backoff; the handler stops retrying before this deadline and reports the rest as failures.
    PROCESSOR_TIMEOUT_SECONDS: integer(1, 900).default(60),
    // The processor's DEADLINE_SAFETY_MARGIN_MS (its own default and range): time kept back from each invocation
    // to abort in-flight writes and answer before Lambda's timeout. The timeout must be longer than it.
    PROCESSOR_DEADLINE_SAFETY_MARGIN_MS: integer(0, 60_000).default(1000),
    LOG_RETENTION_DAYS: integer(1, 3653)
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `expected one of ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(30),
    // 500 records of about 1.5 KB (base64 JSON) make under 1 MB per invocation, far below Lambda's 6 MB
    // payload limit, and 20 BatchWriteItem calls of 25 items: fewer, fuller invocations than Lambda's default 100.
    ESM_BATCH_SIZE: integer(1, 10_000).default(MAPPING_DEFAULTS.batchSize),
    // 1 s: Lambda polls each shard about once a second anyway, so this adds at most a second of latency and
    // fills batches when tweets trickle in.
    ESM_BATCHING_WINDOW_SECONDS: integer(0, 300).default(MAPPING_DEFAULTS.batchingWindowSeconds),
    // 1 concurrent batch per shard: on-demand streams add shards as traffic grows. Raise it (up to 10) when
    // IteratorAge climbs while the function itself is the bottleneck; order per partition key is kept at any value.
    ESM_PARALLELIZATION_FACTOR: integer(1, 10).default(MAPPING_DEFAULTS.parallelizationFactor),
    // Lambda's default is to retry forever (-1), so one poisoned batch blocks its shard until the record expires.
    // The handler already retries throttling inside each invocation, so a whole-batch failure is something more
    // lasting: 10 attempts ride out a short outage, then the batch is kept whole in the failed-batch bucket.
    // Bisecting a batch does not use up this quota.
    ESM_MAX_RETRY_ATTEMPTS: integer(0, 10_000).default(MAPPING_DEFAULTS.maxRetryAttempts),
    // 6 h: records older than this are given up on and kept, whole, in the failed-batch bucket. Below the stream's
    // retention, so a batch is given up on while the stream still holds it too.
    ESM_MAX_RECORD_AGE_SECONDS: integer(60, 604_800).default(MAPPING_DEFAULTS.maxRecordAgeSeconds),
    // 30 days in the failed-batch bucket: time to notice the alarm, fix the cause and replay (`npm run replay`),
    // over a holiday too; then S3 deletes the batch. A kept batch is a few MB at most, so keeping it costs cents.
    FAILED_BATCH_RETENTION_DAYS: integer(1, 3650).default(30),
    PRODUCER_IDENTITY: z.enum(["user", "role"], "expected user or role").default("user"),
    // Either "keybase:<name>" or a base64-encoded PGP public key (binary, not armored), as Terraform expects.
    PRODUCER_PGP_KEY: z
      .string()
      .transform((key) => key.replace(/\s+/g, ""))
      .pipe(
        z
          .string()
          .regex(
            /^(keybase:[A-Za-z0-9_-]+|[A-Za-z0-9+/]+={0,2})$/,
            "expected keybase:<name> or a base64 PGP public key",
          ),
      )
      .optional(),
    // Who may assume the producer role: ECS tasks by default; pods.eks.amazonaws.com for EKS Pod Identity.
    PRODUCER_ROLE_SERVICE: z
      .string()
      .regex(/^[a-z0-9.-]+\.amazonaws\.com$/, "expected a service principal such as ecs-tasks.amazonaws.com")
      .default("ecs-tasks.amazonaws.com"),
    ALARM_TOPIC_ARN: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "expected an SNS topic ARN")
      .optional(),
    // 5 minutes: a healthy mapping runs a second or two behind; minutes behind means the processor cannot keep up,
    // and there are still hours before records reach ESM_MAX_RECORD_AGE_SECONDS.
    ALARM_ITERATOR_AGE_SECONDS: integer(1, 604_800).default(300),
    // The local state file; a relative path is read from the synthesized stack's directory, as Terraform reads it.
    TF_STATE_PATH: z.string().max(4096, "expected a file path").optional(),
    // On by default: a table of X content must follow deletions and suspensions from day one (X Developer
    // Agreement). Off removes the sweeper, its schedule, secret and alarms.
    COMPLIANCE: z.enum(["on", "off"], "expected on or off").default("on"),
    // Daily: X's compliance jobs take minutes to hours, and a day is what the alarms assume.
    COMPLIANCE_SCHEDULE: z
      .string()
      // As EventBridge accepts them at apply time (schedule-expression.ts): Terraform's plan does not check.
      .superRefine((expression, ctx) => {
        const problem = scheduleProblem(expression);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default("rate(1 day)"),
    // 1024 MB: measured at 1,000,000 stored posts (README "Compliance", `npm run measure:compliance`) with the heap
    // Lambda's Node runtime gives each size (old space = memory - memory/10): at 512 MB the sweep peaked at 648 MB
    // RSS (the process would be killed), at 1024 MB at 715 MB; memory also buys CPU (80 s -> 53 s a sweep).
    COMPLIANCE_MEMORY_MB: integer(128, 10_240).default(1024),
    // Lambda's maximum: a sweep polls X's jobs as long as it can, then checkpoints and resumes next run.
    COMPLIANCE_TIMEOUT_SECONDS: integer(60, 900).default(900),
    COMPLIANCE_DRY_RUN: boolean.default(false),
    // Off by default: reserving even 1 fails the deploy on an account whose concurrency limit is 10 (new accounts),
    // since Lambda keeps 10 unreserved. The daily schedule, the timeout below it and no async retries already keep
    // sweeps apart; reserving also refuses a manual invocation during a scheduled one.
    COMPLIANCE_RESERVE_CONCURRENCY: boolean.default(false),
    TF_STATE_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name")
      .optional(),
    TF_STATE_KEY: z
      .string()
      .regex(/^[^\s]{1,1024}$/, "expected an S3 object key without spaces")
      .optional(),
    TF_STATE_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region code such as us-east-1")
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.ESM_MAX_RECORD_AGE_SECONDS >= env.STREAM_RETENTION_HOURS * 3600) {
      ctx.addIssue({
        code: "custom",
        path: ["ESM_MAX_RECORD_AGE_SECONDS"],
        message: `must be below the stream retention (STREAM_RETENTION_HOURS=${env.STREAM_RETENTION_HOURS}, ${env.STREAM_RETENTION_HOURS * 3600} s), or skipped records could no longer be re-read`,
      });
    }
    if (env.PROCESSOR_TIMEOUT_SECONDS * 1000 <= env.PROCESSOR_DEADLINE_SAFETY_MARGIN_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["PROCESSOR_TIMEOUT_SECONDS"],
        message: `must be longer than PROCESSOR_DEADLINE_SAFETY_MARGIN_MS (${env.PROCESSOR_DEADLINE_SAFETY_MARGIN_MS} ms), the time the processor keeps back from every invocation: it would leave no time to write`,
      });
    }
    if (
      env.RETENTION_DAYS !== undefined &&
      env.TABLE_TTL_ATTRIBUTE !== undefined &&
      env.TABLE_TTL_ATTRIBUTE !== EXPIRY_ATTRIBUTE
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["TABLE_TTL_ATTRIBUTE"],
        message: `a table has one TTL attribute, and RETENTION_DAYS needs it to be ${EXPIRY_ATTRIBUTE} (what the processor writes): unset TABLE_TTL_ATTRIBUTE or RETENTION_DAYS`,
      });
    }
    if (env.TF_STATE_PATH !== undefined && env.TF_STATE_BUCKET !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["TF_STATE_PATH"],
        message: "only applies to local state: unset it or TF_STATE_BUCKET",
      });
    }
    for (const name of ["TF_STATE_KEY", "TF_STATE_REGION"] as const) {
      if (env[name] !== undefined && env.TF_STATE_BUCKET === undefined) {
        ctx.addIssue({ code: "custom", path: [name], message: "only applies with TF_STATE_BUCKET set" });
      }
    }
    // Two sweeps at once would share one checkpoint: rate or cron, firings must leave each sweep its timeout.
    const seconds = shortestIntervalSeconds(env.COMPLIANCE_SCHEDULE);
    if (seconds <= env.COMPLIANCE_TIMEOUT_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["COMPLIANCE_SCHEDULE"],
        message: `must be longer than COMPLIANCE_TIMEOUT_SECONDS (${env.COMPLIANCE_TIMEOUT_SECONDS} s), or two sweeps could overlap: it fires ${seconds} s apart at its closest`,
      });
    }
    if (env.PRODUCER_PGP_KEY !== undefined && env.PRODUCER_IDENTITY !== "user") {
      ctx.addIssue({
        code: "custom",
        path: ["PRODUCER_PGP_KEY"],
        message: "only applies with PRODUCER_IDENTITY=user (a role has no secret to encrypt)",
      });
    }
  });

/** Every environment variable the stack reads. */
export const INFRA_VARIABLES = Object.keys(envSchema.shape) as readonly (keyof typeof envSchema.shape)[];

/** Reads the configuration from `env` (process.env by default). Empty variables count as unset. */
export function readInfraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const given: Record<string, string> = {};
  for (const name of INFRA_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") given[name] = value.trim();
  }
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = given[name];
      return `${name}: ${issue.message}${value === undefined ? "" : ` (got "${value}")`}`;
    });
    throw new InfraConfigError(`Invalid infrastructure configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  return {
    stackName: e.STACK_NAME,
    region: e.AWS_REGION,
    stream: { shardCount: e.SHARD_COUNT, retentionHours: e.STREAM_RETENTION_HOURS },
    table: {
      ttlAttribute: e.RETENTION_DAYS === undefined ? e.TABLE_TTL_ATTRIBUTE : EXPIRY_ATTRIBUTE,
      deletionProtection: e.TABLE_DELETION_PROTECTION,
      tableClass: e.TABLE_CLASS,
    },
    processor: {
      memoryMb: e.PROCESSOR_MEMORY_MB,
      timeoutSeconds: e.PROCESSOR_TIMEOUT_SECONDS,
      deadlineSafetyMarginMs: e.PROCESSOR_DEADLINE_SAFETY_MARGIN_MS,
      logRetentionDays: e.LOG_RETENTION_DAYS,
      retentionDays: e.RETENTION_DAYS,
    },
    mapping: {
      batchSize: e.ESM_BATCH_SIZE,
      batchingWindowSeconds: e.ESM_BATCHING_WINDOW_SECONDS,
      parallelizationFactor: e.ESM_PARALLELIZATION_FACTOR,
      maxRetryAttempts: e.ESM_MAX_RETRY_ATTEMPTS,
      maxRecordAgeSeconds: e.ESM_MAX_RECORD_AGE_SECONDS,
      failedBatchRetentionDays: e.FAILED_BATCH_RETENTION_DAYS,
    },
    producer:
      e.PRODUCER_IDENTITY === "user"
        ? { identity: "user", pgpKey: e.PRODUCER_PGP_KEY }
        : { identity: "role", trustedService: e.PRODUCER_ROLE_SERVICE },
    alarms: { topicArn: e.ALARM_TOPIC_ARN, iteratorAgeSeconds: e.ALARM_ITERATOR_AGE_SECONDS },
    compliance:
      e.COMPLIANCE === "off"
        ? undefined
        : {
            schedule: e.COMPLIANCE_SCHEDULE,
            memoryMb: e.COMPLIANCE_MEMORY_MB,
            timeoutSeconds: e.COMPLIANCE_TIMEOUT_SECONDS,
            dryRun: e.COMPLIANCE_DRY_RUN,
            reserveConcurrency: e.COMPLIANCE_RESERVE_CONCURRENCY,
          },
    stateBackend:
      e.TF_STATE_BUCKET === undefined
        ? { kind: "local", path: e.TF_STATE_PATH }
        : {
            kind: "s3",
            bucket: e.TF_STATE_BUCKET,
            key: e.TF_STATE_KEY ?? `${e.STACK_NAME}/terraform.tfstate`,
            region: e.TF_STATE_REGION ?? e.AWS_REGION,
          },
  };
}
