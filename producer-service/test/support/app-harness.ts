import { pino } from "pino";
import { buildApp, type ProducerApp } from "../../app.js";
import { loadConfig, type ProducerConfig } from "../../config.js";
import { kinesisClient } from "./writer-harness.js";

/** A config as the service would read it, aimed at loopback emulators; `env` overrides. */
export function testConfig(env: Record<string, string>): ProducerConfig {
  return loadConfig({
    X_BEARER_TOKEN: "emulator-bearer-token",
    X_STREAM: "sample",
    KINESIS_STREAM_NAME: "tweets",
    AWS_REGION: "us-east-1",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "10000",
    ...env,
  });
}

/** The real app, with its Kinesis client aimed at `kinesisEndpoint`; `close()` closes both. */
export function testApp(
  config: ProducerConfig,
  kinesisEndpoint: string,
): { app: ProducerApp; close(): Promise<void> } {
  const client = kinesisClient(kinesisEndpoint);
  const app = buildApp(config, { logger: pino({ level: "silent" }), kinesisClient: client });
  return {
    app,
    async close() {
      await app.close();
      client.destroy();
    },
  };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
