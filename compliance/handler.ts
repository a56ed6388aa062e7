import type { Context } from "aws-lambda";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { metricsLine } from "./metrics.js";
import { readTokenSecret, SecretsManagerClient } from "./secret-token.js";
import type { SweepSummary } from "./summary.js";
import { createSweeper } from "./sweeper.js";

// Cold start: the configuration is read once (a missing variable fails the init, naming it), clients built once.
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);

// The token is fetched on first use and kept for the life of the execution environment; a failed read is
// not kept, so the next sweep tries again (e.g. once the operator has set the secret's value).
let token: Promise<string> | undefined;
const bearerToken = (): Promise<string> => {
  if (config.token.kind === "value") return Promise.resolve(config.token.value);
  const arn = config.token.arn;
  token ??= readTokenSecret(new SecretsManagerClient({}), arn).catch((err: unknown) => {
    token = undefined;
    throw err;
  });
  return token;
};

const sweep = createSweeper({ config, bearerToken, logger });

/** One compliance sweep per invocation (EventBridge schedule; the event carries nothing we need). */
export async function handler(_event: unknown, context: Context): Promise<SweepSummary> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - config.safetyMarginMs;
  const summary = await sweep(deadline);
  process.stdout.write(`${metricsLine(summary, context.functionName, Date.now())}\n`);
  return summary;
}
