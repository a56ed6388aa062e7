import { z } from "zod";
import { parseXFieldSelection, XFieldError, type XFieldSelection } from "../events/index.js";

/**
 * The producer's whole configuration, read from the environment once at start.
 * Every problem names the variable and what it expects, never the value it got: several variables hold secrets.
 */
export interface ProducerConfig {
  x: {
    baseUrl: string;
    credentials: { bearerToken: string } | { apiKey: string; apiSecret: string };
    stream: "filtered" | "sample";
    /** When set, the server's filtered-stream rules are made equal to these at start. */
    rules: { value: string; tag?: string }[] | undefined;
    /** What the stream (and recovery) asks X for: X_TWEET_FIELDS, X_EXPANSIONS, ... (events/x-fields.ts). */
    fields: XFieldSelection;
    /** On 429 TooManyConnections, close this app's stale connection with X's Connections API. */
    takeOverConnection: boolean;
    recovery: XRecoveryConfig;
  };
  kinesis: {
    /** Exactly one of the two, as PutRecords takes it. */
    target: { StreamName: string } | { StreamARN: string };
    region: string;
    /** Only for display: the SDK itself reads AWS_ENDPOINT_URL_KINESIS. */
    endpoint: string | undefined;
    requestTimeoutMs: number;
  };
  batch: {
    maxRecords: number;
    maxBytes: number;
    lingerMs: number;
    maxInFlight: number;
    bufferMaxBytes: number;
    partitionKey: "tweet" | "author";
    aggregation: boolean;
  };
  /** Absent when SPOOL_DIR is unset: then a full buffer pauses ingest, and SIGTERM loses what is unsent. */
  spool: { dir: string; maxBytes: number } | undefined;
  server: {
    port: number;
    host: string;
    logLevel: LogLevel;
    shutdownGraceMs: number;
  };
}

/** How the gap of a reconnect is filled: search/recent per rule, X's backfill_minutes, or not at all. */
export interface XRecoveryConfig {
  mode: "search" | "backfill" | "off";
  /** A gap with more posts than this is recovered only up to this many (X charges per post read). */
  maxPosts: number;
  /** A longer gap is not recovered. */
  maxGapMs: number;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** zod's own messages may quote the input; ours never do, and say when the variable is missing. */
function expecting(what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `not set; expected ${what}` : `expected ${what}`,
  };
}

function integer(min: number, max: number, unit: string) {
  const what = `an integer from ${min} to ${max}${unit}`;
  return z
    .string(expecting(what))
    .regex(/^[0-9]+$/, expecting(what))
    .transform(Number)
    .pipe(z.number().min(min, expecting(what)).max(max, expecting(what)));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expecting(values.map((v) => `"${v}"`).join(" or ")));
}

const secret = z.string(expecting("a non-empty secret"));

const httpUrl = z
  .url({ protocol: /^https?$/, ...expecting("an http:// or https:// URL") })
  .transform((url) => url.replace(/\/+$/, ""));

const RULES_SHAPE = 'a JSON array of {"value": "...", "tag": "..."}';
const streamRules = z
  .string(expecting(RULES_SHAPE))
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // JSON.parse's message quotes the input; say what is wrong without it.
      ctx.addIssue({ code: "custom", message: `is not valid JSON; expected ${RULES_SHAPE}` });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(
        z.strictObject(
          {
            value: z
              .string(expecting("a non-empty rule string"))
              .min(1, expecting("a non-empty rule string")),
            tag: z.string(expecting("a string")).optional(),
          },
          expecting('an object {"value": "...", "tag": "..."} with no other fields'),
        ),
        expecting(RULES_SHAPE),
      )
      .min(1, expecting("at least one rule (leave X_STREAM_RULES unset to keep the server's rules)")),
  );

// "90s", "30m", "1h", or bare seconds.
const DURATION_SHAPE = "a duration such as 3600, 90s, 30m or 1h, at most 7 days (search/recent's reach)";
const duration = z
  .string(expecting(DURATION_SHAPE))
  .regex(/^[0-9]+[smh]?$/, expecting(DURATION_SHAPE))
  .transform((text) => {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[text.at(-1) ?? ""] ?? 1_000;
    return Number.parseInt(text, 10) * unit;
  })
  .pipe(
    z
      .number()
      .min(1_000, expecting(DURATION_SHAPE))
      .max(7 * 24 * 3_600_000, expecting(DURATION_SHAPE)),
  );

const envSchema = z.object({
  X_BEARER_TOKEN: secret.optional(),
  X_API_KEY: secret.optional(),
  X_API_SECRET: secret.optional(),
  X_STREAM: oneOf(["filtered", "sample"]).default("filtered"),
  X_STREAM_RULES: streamRules.optional(),
  X_API_BASE_URL: httpUrl.default("https://api.x.com"),
  X_TAKE_OVER_CONNECTION: oneOf(["true", "false"]).default("true"),
  X_RECOVERY: oneOf(["search", "backfill", "off"]).default("search"),
  // X charges per post read; 10,000 is a long outage on a busy rule set, not a day's history.
  X_RECOVERY_MAX_POSTS: integer(1, 1_000_000, " (posts)").default(10_000),
  X_RECOVERY_MAX_GAP: duration.default(3_600_000),
  KINESIS_STREAM_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,128}$/, expecting("a stream name of 1-128 letters, digits, '_', '.' or '-'"))
    .optional(),
  KINESIS_STREAM_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/,
      expecting("a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)"),
    )
    .optional(),
  AWS_REGION: z
    .string(expecting("an AWS region such as us-east-1"))
    .regex(/^[a-z]{2}(-[a-z0-9]+)+$/, expecting("an AWS region such as us-east-1")),
  AWS_ENDPOINT_URL_KINESIS: httpUrl.optional(),
  KINESIS_REQUEST_TIMEOUT_MS: integer(100, 300_000, " (ms)").default(10_000),
  // PutRecords takes at most 500 records per call, each record at most 1 MiB with its partition key.
  BATCH_MAX_RECORDS: integer(1, 500, "").default(500),
  // Unset: 5 MiB, the request size long documented for PutRecords (newer streams accept up to 10 MiB, hence the
  // ceiling), or 1 MiB with AGGREGATION=on (see batchMaxBytes). At least 1 MiB, so any valid record fits.
  BATCH_MAX_BYTES: integer(MiB, 10 * MiB, " (bytes)").optional(),
  BATCH_LINGER_MS: integer(0, 60_000, " (ms)").default(100),
  // Four requests cover a 40 ms round trip at 50,000 tweets/s (100 calls/s); more in flight only adds
  // throttling and memory.
  MAX_IN_FLIGHT: integer(1, 64, "").default(4),
  // Held records (queued, in flight or waiting for a retry) may use this much; then ingest pauses and X
  // holds the tweets. 8 MiB is about 18,000 tweets: a third of a second at 50,000 tweets/s, minutes at the
  // rates X streams really deliver, and room for a full 5 MiB batch. A larger buffer rides out longer
  // Kinesis slowdowns without pausing X, at the cost of that much more memory.
  BUFFER_MAX_BYTES: integer(MiB, 1024 * MiB, " (bytes)").default(8 * MiB),
  PARTITION_KEY: oneOf(["tweet", "author"]).default("tweet"),
  AGGREGATION: oneOf(["off", "on"]).default("off"),
  // Without a spool, a Kinesis outage longer than the buffer lasts pauses reading X, and X does not resend
  // what a paused client missed; SIGTERM loses what the grace time could not send. The image sets it.
  SPOOL_DIR: z
    .string(expecting("an absolute directory path"))
    .regex(/^\//, expecting("an absolute directory path"))
    .optional(),
  // 1 GiB holds about 2 million tweets: over half an hour of outage at 1,000 tweets/s.
  SPOOL_MAX_BYTES: integer(MiB, 1024 * 1024 * MiB, " (bytes)").optional(),
  PORT: integer(0, 65_535, "").default(3000),
  HOST: z.string(expecting("a host name or address to listen on")).default("0.0.0.0"),
  LOG_LEVEL: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Under the 30 s that ECS and Kubernetes wait between SIGTERM and SIGKILL.
  SHUTDOWN_GRACE_MS: integer(0, 600_000, " (ms)").default(25_000),
});

type Env = z.infer<typeof envSchema>;

/** Reads and validates the configuration; throws one ConfigError listing every problem. */
export function loadConfig(environment: NodeJS.ProcessEnv): ProducerConfig {
  // An empty variable (FOO= in an env file) means "not set", so its default applies.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  const problems = presenceChecks(present);
  if (parsed.success) problems.push(...valueChecks(parsed.data));
  else problems.push(...parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
  const fields = readXFields(present, problems);
  if (problems.length > 0 || !parsed.success || fields === undefined)
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  return toConfig(parsed.data, fields);
}

/** Rules about which variables go together: they depend only on which are set. */
function presenceChecks(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const has = (name: string) => env[name] !== undefined;
  if (has("X_BEARER_TOKEN") && (has("X_API_KEY") || has("X_API_SECRET"))) {
    problems.push("X_BEARER_TOKEN: set either X_BEARER_TOKEN or X_API_KEY with X_API_SECRET, not both");
  } else if (!has("X_BEARER_TOKEN") && !has("X_API_KEY") && !has("X_API_SECRET")) {
    problems.push("X_BEARER_TOKEN: not set; expected X_BEARER_TOKEN, or X_API_KEY with X_API_SECRET");
  } else if (has("X_API_KEY") !== has("X_API_SECRET")) {
    problems.push(
      `${has("X_API_KEY") ? "X_API_SECRET" : "X_API_KEY"}: not set; X_API_KEY and X_API_SECRET go together`,
    );
  }
  if (has("KINESIS_STREAM_NAME") && has("KINESIS_STREAM_ARN")) {
    problems.push("KINESIS_STREAM_NAME: set either KINESIS_STREAM_NAME or KINESIS_STREAM_ARN, not both");
  } else if (!has("KINESIS_STREAM_NAME") && !has("KINESIS_STREAM_ARN")) {
    problems.push("KINESIS_STREAM_NAME: not set; expected KINESIS_STREAM_NAME or KINESIS_STREAM_ARN");
  }
  return problems;
}

function valueChecks(env: Env): string[] {
  const problems: string[] = [];
  if (env.X_STREAM_RULES !== undefined && env.X_STREAM === "sample") {
    problems.push('X_STREAM_RULES: rules apply only to X_STREAM="filtered"');
  }
  if (env.BUFFER_MAX_BYTES < batchMaxBytes(env)) {
    problems.push(
      "BUFFER_MAX_BYTES: expected at least BATCH_MAX_BYTES, so that a full batch fits in the buffer",
    );
  }
  // The client sends every request to AWS_REGION's endpoint, whatever region the ARN names, and that endpoint
  // refuses the stream: say so at start instead of failing every write. Region names are not secrets.
  const arnRegion = env.KINESIS_STREAM_ARN?.split(":")[3];
  if (arnRegion !== undefined && arnRegion !== env.AWS_REGION) {
    problems.push(
      `KINESIS_STREAM_ARN: the stream is in ${arnRegion} but AWS_REGION is ${env.AWS_REGION}; set AWS_REGION=${arnRegion}`,
    );
  }
  if (env.SPOOL_MAX_BYTES !== undefined && env.SPOOL_DIR === undefined) {
    problems.push(
      "SPOOL_MAX_BYTES: applies only with SPOOL_DIR; set SPOOL_DIR too, or unset SPOOL_MAX_BYTES",
    );
  }
  return problems;
}

/**
 * X_TWEET_FIELDS and its five siblings, checked against X's documented values (events/x-fields.ts); the
 * problem names the variable and the value X would refuse. Field names are not secrets.
 */
function readXFields(
  env: Record<string, string | undefined>,
  problems: string[],
): XFieldSelection | undefined {
  let fields: XFieldSelection;
  try {
    fields = parseXFieldSelection(env);
  } catch (error) {
    if (!(error instanceof XFieldError)) throw error;
    problems.push(error.message);
    return undefined;
  }
  // Every event needs the post's time and its author's name: without these X sends posts we must drop.
  if (!fields["tweet.fields"].includes("created_at"))
    problems.push("X_TWEET_FIELDS: expected a list that includes created_at (every event carries it)");
  if (!fields.expansions.includes("author_id"))
    problems.push("X_EXPANSIONS: expected a list that includes author_id (every event names its author)");
  return fields;
}

const DEFAULT_SPOOL_MAX_BYTES = 1024 * MiB;

/**
 * Aggregated, a 5 MiB call already carries ~10,000 tweets, and with MAX_IN_FLIGHT calls open its bytes exist
 * three times (buffered records, built aggregates, the SDK's JSON body): measured, peak RSS went past 150 MB.
 * 1 MiB calls still carry ~2,000 tweets (0.5 calls per 1,000 tweets) at a fifth of the memory.
 */
function batchMaxBytes(env: Env): number {
  return env.BATCH_MAX_BYTES ?? (env.AGGREGATION === "on" ? MiB : 5 * MiB);
}

function toConfig(env: Env, fields: XFieldSelection): ProducerConfig {
  const credentials =
    env.X_BEARER_TOKEN !== undefined
      ? { bearerToken: env.X_BEARER_TOKEN }
      : { apiKey: env.X_API_KEY ?? "", apiSecret: env.X_API_SECRET ?? "" };
  return {
    x: {
      baseUrl: env.X_API_BASE_URL,
      credentials,
      stream: env.X_STREAM,
      rules: env.X_STREAM_RULES,
      fields,
      takeOverConnection: env.X_TAKE_OVER_CONNECTION === "true",
      recovery: {
        mode: env.X_RECOVERY,
        maxPosts: env.X_RECOVERY_MAX_POSTS,
        maxGapMs: env.X_RECOVERY_MAX_GAP,
      },
    },
    kinesis: {
      target:
        env.KINESIS_STREAM_ARN !== undefined
          ? { StreamARN: env.KINESIS_STREAM_ARN }
          : { StreamName: env.KINESIS_STREAM_NAME ?? "" },
      region: env.AWS_REGION,
      endpoint: env.AWS_ENDPOINT_URL_KINESIS,
      requestTimeoutMs: env.KINESIS_REQUEST_TIMEOUT_MS,
    },
    batch: {
      maxRecords: env.BATCH_MAX_RECORDS,
      maxBytes: batchMaxBytes(env),
      lingerMs: env.BATCH_LINGER_MS,
      maxInFlight: env.MAX_IN_FLIGHT,
      bufferMaxBytes: env.BUFFER_MAX_BYTES,
      partitionKey: env.PARTITION_KEY,
      aggregation: env.AGGREGATION === "on",
    },
    spool:
      env.SPOOL_DIR === undefined
        ? undefined
        : { dir: env.SPOOL_DIR, maxBytes: env.SPOOL_MAX_BYTES ?? DEFAULT_SPOOL_MAX_BYTES },
    server: {
      port: env.PORT,
      host: env.HOST,
      logLevel: env.LOG_LEVEL,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join("");
}
