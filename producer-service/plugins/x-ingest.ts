import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { ProducerConfig } from "../config.js";
import { ingestMetrics } from "../ingest-metrics.js";
import type { EventSink, IngestReport, XIngestOptions, XStreamIngest } from "../x-stream/index.js";

declare module "fastify" {
  interface FastifyInstance {
    xIngest: XStreamIngest;
  }
}

export type CreateIngest = (
  options: XIngestOptions,
  sink: EventSink,
  report: IngestReport,
  logger: Logger,
) => XStreamIngest;

export interface XIngestPluginOptions {
  config: ProducerConfig;
  logger: Logger;
  createIngest: CreateIngest;
}

/** Reads the X stream into the Kinesis writer: starts when the app is ready, stops first on close. */
export default fp(
  async (app: FastifyInstance, { config, logger, createIngest }: XIngestPluginOptions) => {
    const options: XIngestOptions = {
      baseUrl: config.x.baseUrl,
      credentials: config.x.credentials,
      stream: config.x.stream,
      ...(config.x.rules === undefined ? {} : { rules: config.x.rules }),
      fields: config.x.fields,
      takeOverConnection: config.x.takeOverConnection,
      recovery: config.x.recovery,
      ...(app.watermark === undefined ? {} : { watermark: app.watermark }),
    };
    const ingest = createIngest(options, app.kinesisWriter, ingestMetrics(app.metrics), logger);
    app.decorate("xIngest", ingest);
    app.addHook("onReady", async () => {
      ingest.start();
    });
    app.addHook("onClose", async () => {
      await ingest.stop();
      app.metrics.streamConnected.set(0);
    });
  },
  { name: "x-ingest", dependencies: ["metrics", "watermark", "kinesis-writer"] },
);
