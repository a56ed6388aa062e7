import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { ProducerConfig } from "../config.js";
import { ingestMetrics } from "../ingest-metrics.js";
import {
  DurableWatermark,
  EDGE_MARGIN_MS,
  idBefore,
  readWatermark,
  WATERMARK_WRITE_EVERY_MS,
  WatermarkKeeper,
  type WatermarkOptions,
} from "../x-stream/index.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Present when SPOOL_DIR is set. */
    watermark: WatermarkOptions | undefined;
  }
}

export interface WatermarkPluginOptions {
  config: ProducerConfig;
  logger: Logger;
}

/**
 * The durable watermark in SPOOL_DIR (x-stream/watermark/): read before ingest starts, so the restart's gap is
 * recovered; written while running; written a last time at close. Registered before the Kinesis writer, so it
 * closes after it (plugins close in reverse order) and the last write includes the writer's final outcomes.
 */
export default fp(
  async (app: FastifyInstance, { config, logger }: WatermarkPluginOptions) => {
    const log = logger.child({ component: "watermark" });
    if (config.spool === undefined) {
      log.info(
        "no SPOOL_DIR: posts X publishes while the producer is down (restart, redeploy, crash) are not recovered; set SPOOL_DIR to keep a durable watermark",
      );
      app.decorate("watermark", undefined);
      return;
    }
    const { dir } = config.spool;
    // The watermark is still kept: with recovery on again, a later start recovers from it.
    if (config.x.recovery.mode === "off")
      log.warn(
        "X_RECOVERY=off: posts X publishes while the producer is down (restart, redeploy, crash) are not recovered, though SPOOL_DIR keeps a watermark; set X_RECOVERY=search to recover them",
      );
    const loaded = await readWatermark(dir).catch((error: Error) => {
      log.error(
        { reason: error.message },
        "WATERMARK UNUSABLE: the gap of this restart is not recovered; a new watermark is written from now on",
      );
      return undefined;
    });
    if (loaded !== undefined)
      log.info(
        { newestId: loaded.newestId, aliveAt: new Date(loaded.writtenAtMs).toISOString() },
        "watermark read",
      );
    // With no usable file, everything created before this start counts as taken (nothing before it was owed):
    // the file is written from the first tick, so a kill before the first durable post still leaves the next
    // start a watermark to recover from.
    const core = new DurableWatermark(
      loaded ?? { newestId: idBefore(Date.now()), recentIds: [], pendingGaps: [] },
      EDGE_MARGIN_MS,
    );
    // The writer is registered after this plugin: looked up at each write, once it exists.
    const keeper = new WatermarkKeeper(
      dir,
      core,
      ingestMetrics(app.metrics),
      log,
      WATERMARK_WRITE_EVERY_MS,
      undefined,
      () => app.kinesisWriter.syncSpool(),
    );
    app.decorate("watermark", { core, loaded, writeEveryMs: WATERMARK_WRITE_EVERY_MS });
    app.addHook("onReady", async () => keeper.start());
    // Before ingest stops and the writer flushes: what they drop now is searched again by the next start.
    app.addHook("preClose", async () => core.shutdown());
    app.addHook("onClose", async () => keeper.close());
  },
  { name: "watermark", dependencies: ["metrics"] },
);
