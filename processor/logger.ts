import { pino } from "pino";
import type { ProcessorConfig } from "./config.js";

/**
 * JSON lines on stdout, which Lambda ships to CloudWatch Logs. Synchronous writes: a frozen execution
 * environment must not hold log lines in a buffer. Tweet text is never logged at info level.
 */
export function createLogger(level: ProcessorConfig["logLevel"], destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: "processor" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
