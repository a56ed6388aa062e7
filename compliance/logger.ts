import { pino } from "pino";
import type { ComplianceConfig } from "./config.js";

/** JSON lines on stdout (CloudWatch Logs), written synchronously: a frozen Lambda must not hold them. */
export function createLogger(level: ComplianceConfig["logLevel"], destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: "compliance" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The token never reaches a log line, even if an object carrying it were logged by mistake.
      redact: { paths: ["token", "bearerToken", "authorization", "*.authorization"], censor: "[redacted]" },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
