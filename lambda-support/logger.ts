import { pino } from "pino";
import type { LogLevel } from "./env-config.js";

export interface LambdaLoggerOptions {
  /** The `service` field of every line. */
  service: string;
  level: LogLevel;
  /** Paths pino replaces with "[redacted]" (a secret that must never reach a line). */
  redact?: string[];
}

/**
 * JSON lines on stdout, which Lambda ships to CloudWatch Logs. Synchronous writes: a frozen execution
 * environment must not hold log lines in a buffer. `destination` lets tests read the lines.
 */
export function createLambdaLogger(options: LambdaLoggerOptions, destination?: pino.DestinationStream) {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      ...(options.redact ? { redact: { paths: options.redact, censor: "[redacted]" } } : {}),
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
