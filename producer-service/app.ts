import type { KinesisClient } from "@aws-sdk/client-kinesis";
import Fastify from "fastify";
import type { Logger } from "pino";
import type { ProducerConfig } from "./config.js";
import { createLogger } from "./logger.js";
import kinesisWriterPlugin from "./plugins/kinesis-writer.js";
import metricsPlugin from "./plugins/metrics.js";
import watermarkPlugin from "./plugins/watermark.js";
import xIngestPlugin, { type CreateIngest } from "./plugins/x-ingest.js";
import healthRoutes from "./routes/health.js";
import metricsRoutes from "./routes/metrics.js";
import { createXStreamIngest } from "./x-stream/index.js";

/** What tests (or another host) may supply instead of the defaults built from the config. */
export interface AppDeps {
  logger?: Logger;
  kinesisClient?: KinesisClient;
  createIngest?: CreateIngest;
}

/**
 * The producer as a Fastify app: metrics, the Kinesis writer, the X ingest feeding it, and the probe and
 * metrics routes. Nothing starts until the app is ready (listen or inject); close() stops ingest, then
 * flushes the writer within SHUTDOWN_GRACE_MS.
 */
export function buildApp(config: ProducerConfig, deps: AppDeps = {}) {
  const logger = deps.logger ?? createLogger(config.server.logLevel);
  // Opening the spool reads every stored record once (hundreds of MB/s): a full spool of several GiB on a slow
  // volume takes longer than Fastify's default 10 s allowed for a plugin to start.
  const app = Fastify({
    loggerInstance: logger,
    pluginTimeout: config.spool === undefined ? 10_000 : 300_000,
  });
  app.register(metricsPlugin);
  // Before the writer, so that it closes after it: its last write includes the writer's final outcomes.
  app.register(watermarkPlugin, { config, logger });
  app.register(kinesisWriterPlugin, {
    config,
    logger,
    ...(deps.kinesisClient === undefined ? {} : { client: deps.kinesisClient }),
  });
  app.register(xIngestPlugin, { config, logger, createIngest: deps.createIngest ?? createXStreamIngest });
  app.register(healthRoutes);
  app.register(metricsRoutes);
  return app;
}

export type ProducerApp = ReturnType<typeof buildApp>;
