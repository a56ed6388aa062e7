import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { ProducerConfig } from "../config.js";
import { createKinesisClient } from "../kinesis/client.js";
import { checkStreamUntilReachable } from "../kinesis/health.js";
import { KinesisWriter } from "../kinesis/kinesis-writer.js";

declare module "fastify" {
  interface FastifyInstance {
    kinesisWriter: KinesisWriter;
  }
}

export interface KinesisWriterPluginOptions {
  config: ProducerConfig;
  /** The app's pino logger (Fastify types `app.log` as its own logger interface). */
  logger: Logger;
  /** Tests pass a client aimed at an emulator; by default one is built from the config and the SDK's env. */
  client?: KinesisClient;
}

/**
 * The Kinesis writer and its client. On close (after ingest has stopped: plugins close in reverse order)
 * it flushes what is held, within what is left of SHUTDOWN_GRACE_MS.
 */
export default fp(
  async (app: FastifyInstance, { config, logger, client: given }: KinesisWriterPluginOptions) => {
    const client =
      given ??
      createKinesisClient({
        region: config.kinesis.region,
        requestTimeoutMs: config.kinesis.requestTimeoutMs,
        maxSockets: config.batch.maxInFlight + 1,
      });
    const log = logger.child({ component: "kinesis-writer" });
    const writer = new KinesisWriter(client, app.metrics, log, {
      ...config.batch,
      target: config.kinesis.target,
    });
    app.decorate("kinesisWriter", writer);

    let streamCheck: { stop(): void } | undefined;
    app.addHook("onReady", async () => {
      streamCheck = checkStreamUntilReachable(client, config.kinesis.target, writer.health, log);
    });

    let deadline = Number.POSITIVE_INFINITY;
    app.addHook("preClose", async () => {
      deadline = Date.now() + config.server.shutdownGraceMs;
    });
    app.addHook("onClose", async () => {
      streamCheck?.stop();
      const held = writer.held;
      log.info({ heldRecords: held.records }, "flushing records to Kinesis");
      const graceMs = Math.max(
        0,
        Math.min(deadline, Date.now() + config.server.shutdownGraceMs) - Date.now(),
      );
      await writer.close(graceMs);
      if (given === undefined) client.destroy();
    });
  },
  { name: "kinesis-writer", dependencies: ["metrics"] },
);
