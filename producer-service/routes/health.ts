import type { FastifyInstance } from "fastify";
import { checkReadiness } from "../readiness.js";

/** Probes run every few seconds: they log only problems. */
export default async function healthRoutes(app: FastifyInstance) {
  const readiness = () =>
    checkReadiness(app.xIngest, app.kinesisWriter.health, app.kinesisWriter.spoolReadiness());
  // The ready gauge and /readyz answer from the same check.
  app.metrics.sources.ready = () => readiness().ready;

  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "alive" }));

  app.get("/readyz", { logLevel: "warn" }, async (_request, reply) => {
    const report = readiness();
    if (report.ready) return { status: "ready", checks: report.checks };
    const reasons = Object.values(report.checks)
      .filter((check) => !check.ok)
      .map((check) => check.detail);
    return reply.code(503).send({ status: "not ready", reasons, checks: report.checks });
  });
}
