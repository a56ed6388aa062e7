import type { pino } from "pino";
import type { LogLevel } from "../lambda-support/env-config.js";
import { createLambdaLogger } from "../lambda-support/logger.js";

/** The processor's log lines (lambda-support/logger.ts). Tweet text is never logged at info level. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream) {
  return createLambdaLogger({ service: "processor", level }, destination);
}
