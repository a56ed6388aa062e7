import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { createMetrics, type ProducerMetrics } from "../metrics.js";

declare module "fastify" {
  interface FastifyInstance {
    metrics: ProducerMetrics;
  }
}

/** One registry per app, so two apps in one process (tests) never share counters. */
export default fp(
  async (app: FastifyInstance) => {
    app.decorate("metrics", createMetrics());
  },
  { name: "metrics" },
);
