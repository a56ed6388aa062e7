import type { FastifyInstance } from "fastify";

/** Prometheus text format of the app's own registry (producer metrics and the default process metrics). */
export default async function metricsRoutes(app: FastifyInstance) {
  const { registry } = app.metrics;
  app.get("/metrics", { logLevel: "warn" }, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
}
