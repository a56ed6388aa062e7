// `npm run compliance`: one compliance sweep against the local pipeline that `npm start` runs (its DynamoDB
// table and its X emulator), or against X itself when X_BEARER_TOKEN is set. Prints the summary line.
import { pino } from "pino";
import { ConfigError, loadConfig } from "../compliance/config.js";
import { createSweeper } from "../compliance/sweeper.js";
import { LOCAL_CREDENTIALS } from "./pipeline/aws-resources.js";
import { LocalConfigError, loadLocalConfig } from "./pipeline/local-config.js";

/** The emulator's default token (local/x-emulator); a real token comes from X_BEARER_TOKEN. */
const EMULATOR_TOKEN = "emulator-bearer-token";

async function main(): Promise<number> {
  const local = loadLocalConfig(process.env);
  const origin = (port: number) => `http://${local.host}:${port}`;
  const config = loadConfig({
    ...process.env,
    TABLE_NAME: process.env.TABLE_NAME || `${local.stackName}-EventData`,
    X_BEARER_TOKEN: local.realX?.bearerToken ?? EMULATOR_TOKEN,
    X_API_BASE_URL: local.realX?.baseUrl ?? origin(local.ports.x),
    COMPLIANCE_POLL_INTERVAL_MS: process.env.COMPLIANCE_POLL_INTERVAL_MS || (local.realX ? "20000" : "200"),
  });
  const token = config.token.kind === "value" ? config.token.value : "";
  // The one summary line goes to stdout (pino, as in Lambda); nothing else is printed on success.
  const sweep = createSweeper({
    config,
    bearerToken: async () => token,
    logger: pino({ level: config.logLevel }),
    connection: {
      endpoint: origin(local.ports.dynamodb),
      region: local.region,
      credentials: LOCAL_CREDENTIALS,
    },
  });
  // A local sweep may take its time: an hour, like four Lambda invocations back to back.
  const summary = await sweep(Date.now() + 3_600_000);
  sweep.close();
  return summary.errors > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof LocalConfigError;
    process.stderr.write(`compliance sweep: ${known ? "" : "failed: "}${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
