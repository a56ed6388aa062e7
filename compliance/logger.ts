import type { pino } from "pino";
import { createLambdaLogger } from "../lambda-support/logger.js";
import type { ComplianceConfig } from "./config.js";

/** The sweeper's log lines (lambda-support/logger.ts); the token never reaches one, even logged by mistake. */
export function createLogger(level: ComplianceConfig["logLevel"], destination?: pino.DestinationStream) {
  return createLambdaLogger(
    {
      service: "compliance",
      level,
      redact: ["token", "bearerToken", "authorization", "*.authorization"],
    },
    destination,
  );
}
