import * as z from "zod";

/** Thrown at cold start when the environment is incomplete: the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A whole number in [min, max] from a variable, `fallback` when unset. */
export const integerFromEnv = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** zod's own messages may quote the input; ours never do, and say what a missing variable is for. */
export const required = (what: string, shape: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `is required: ${what}` : `must be ${shape}`;

/**
 * The log level variables of a function's environment schema: Lambda's advanced logging controls set
 * AWS_LAMBDA_LOG_LEVEL (upper case); LOG_LEVEL wins when both are set (see `logLevelOf`).
 */
export const LOG_LEVEL_VARIABLES = {
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  AWS_LAMBDA_LOG_LEVEL: z
    .string()
    .transform((level) => level.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .optional(),
};

export const logLevelOf = (env: { LOG_LEVEL?: LogLevel; AWS_LAMBDA_LOG_LEVEL?: LogLevel }): LogLevel =>
  env.LOG_LEVEL ?? env.AWS_LAMBDA_LOG_LEVEL ?? "info";

/** An empty variable is as good as an unset one: `TABLE_NAME=` fails the same way. */
export function blankAsMissing(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value.trim() !== "") out[key] = value;
  return out;
}

/** Each problem as `VARIABLE message`, for a ConfigError that names them all. */
export const problemsOf = (error: z.ZodError): string[] =>
  error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
