import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "./config.js";

const REDACTED = "[redacted]";

/**
 * Every place a secret could sit in a log object, at the depths our code and our libraries log them.
 * pino's wildcards match exactly one level, hence the repetition.
 */
export const REDACT_PATHS = [
  "authorization",
  "*.authorization",
  "*.*.authorization",
  "*.Authorization",
  "*.*.Authorization",
  "cookie",
  "*.cookie",
  "*.*.cookie",
  ...["bearerToken", "apiKey", "apiSecret", "accessToken", "accessSecret", "token", "password"].flatMap(
    (key) => [key, `*.${key}`, `*.*.${key}`],
  ),
  ...[
    "secretAccessKey",
    "sessionToken",
    "X_BEARER_TOKEN",
    "X_API_KEY",
    "X_API_SECRET",
    "AWS_SECRET_ACCESS_KEY",
  ].flatMap((key) => [key, `*.${key}`]),
  "credentials",
  "*.credentials",
];

/**
 * pino's default error serializer copies every enumerable property. HTTP client errors carry the request
 * (twitter-api-v2 keeps the ClientRequest, whose raw header text holds the bearer token), so we keep only
 * fields that describe the failure.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: number } };
  const out: Record<string, unknown> = { type: e.name, message: e.message, stack: e.stack };
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  if (typeof e.statusCode === "number") out.statusCode = e.statusCode;
  if (typeof e.$metadata?.httpStatusCode === "number") out.statusCode = e.$metadata.httpStatusCode;
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "tweetstream-producer" },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}
