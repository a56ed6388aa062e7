import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { ProducerConfig } from "../config.js";
import { createKinesisClient } from "../kinesis/client.js";
import { checkStreamUntilReachable } from "../kinesis/health.js";
import { KinesisWriter } from "../kinesis/kinesis-writer.js";
import { Spool } from "../spool/index.js";

declare module "fastify" {
  interface FastifyInstance {
    kinesisWriter: KinesisWriter;
    /** Present when SPOOL_DIR is set. */
    spool: Spool | undefined;
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
 * The Kinesis writer, its client and its spool. The spool opens before ingest starts, so records a previous
 * process left there are loaded first. On close (after ingest has stopped: plugins close in reverse order)
 * the writer flushes what is held, within what is left of SHUTDOWN_GRACE_MS, spools the rest, and the spool
 * closes last.
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
    const spool = config.spool === undefined ? undefined : await openSpool(config.spool, log);
    const writer = new KinesisWriter(client, app.metrics, log, {
      ...config.batch,
      target: config.kinesis.target,
      ...(spool === undefined ? {} : { spool }),
    });
    app.decorate("kinesisWriter", writer);
    app.decorate("spool", spool);

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
      await spool?.close();
      if (given === undefined) client.destroy();
    });
  },
  { name: "kinesis-writer", dependencies: ["metrics"] },
);

export async function openSpool(options: { dir: string; maxBytes: number }, log: Logger): Promise<Spool> {
  const spool = await Spool.open(options);
  const { tornTailBytes, quarantined, cursorProblem } = spool.recovery;
  const { records, bytes } = spool.stats();
  log.info({ dir: options.dir, records, bytes, maxBytes: options.maxBytes }, "spool opened");
  if (tornTailBytes > 0) log.warn({ tornTailBytes }, "spool: cut off a record torn by a crash");
  if (quarantined.length > 0) {
    log.warn({ quarantined }, "spool: unreadable bytes moved aside for an operator to inspect");
  }
  if (cursorProblem !== undefined) {
    log.warn({ cursorProblem }, "spool: read position lost; some records will be sent again");
  }
  const { capped, requestedMaxBytes, maxBytes, availableBytes } = spool.capacity;
  if (capped) {
    log.warn(
      { requestedMaxBytes, maxBytes, availableBytes },
      "spool: SPOOL_MAX_BYTES is more than the volume holds; capped to the free space, so the spool fills before the disk",
    );
  }
  return spool;
}
