import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { ProducerConfig } from "../config.js";
import { createIngestObserver } from "../ingest-observer.js";
import type { EventSink, IngestObserver, XIngestOptions, XStreamIngest } from "../x-stream/ingest-types.js";

declare module "fastify" {
  interface FastifyInstance {
    xIngest: XStreamIngest;
  }
}

export type CreateIngest = (
  options: XIngestOptions,
  sink: EventSink,
  observer: IngestObserver,
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
    };
    const ingest = createIngest(options, app.kinesisWriter, createIngestObserver(app.metrics), logger);
    app.decorate("xIngest", ingest);
    app.addHook("onReady", async () => {
      ingest.start();
    });
    app.addHook("onClose", async () => {
      await ingest.stop();
      app.metrics.streamConnected.set(0);
    });
  },
  { name: "x-ingest", dependencies: ["metrics", "kinesis-writer"] },
);
