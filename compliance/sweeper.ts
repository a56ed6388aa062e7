import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createBatchWriter } from "./batch-writes.js";
import type { ComplianceConfig } from "./config.js";
import { createDynamoTable } from "./dynamodb-table.js";
import type { Clock, SweepLogger } from "./ports.js";
import type { SweepSummary } from "./summary.js";
import { runSweep } from "./sweep.js";
import { createXComplianceClient } from "./x-compliance-client.js";

export interface SweeperParts {
  config: ComplianceConfig;
  /** The bearer token, however it is obtained (the handler reads Secrets Manager once per cold start). */
  bearerToken: () => Promise<string>;
  logger: SweepLogger;
  dynamo?: DynamoDBClient;
  clock?: Clock;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The adapters wired to the core, once: `sweep(deadline)` runs one sweep. Used by the Lambda handler and
 * by `npm run compliance` / `npm start` locally, so all of them run the same code.
 */
export function createSweeper(parts: SweeperParts) {
  const { config } = parts;
  // No SDK retries (maxAttempts 1, as the processor's client): the batch writer retries itself within the
  // deadline; a failed read or scrub stops the sweep, is counted in SweepErrors and is redone next sweep.
  const client = parts.dynamo ?? new DynamoDBClient({ maxAttempts: 1 });
  const clock = parts.clock ?? realClock;
  const write = createBatchWriter({
    client,
    tableName: config.tableName,
    concurrency: config.writeConcurrency,
    maxAttempts: config.writeMaxAttempts,
  });
  const x = createXComplianceClient({ baseUrl: config.xApiBaseUrl, bearerToken: parts.bearerToken });

  return async (deadline: number): Promise<SweepSummary> => {
    let readUnits = 0;
    const table = createDynamoTable({
      client,
      tableName: config.tableName,
      write,
      deadline: () => deadline + config.safetyMarginMs,
      onReadUnits: (units) => {
        readUnits += units;
      },
    });
    const summary = await runSweep({
      table,
      x,
      clock,
      logger: parts.logger,
      deadline,
      options: {
        checkpointName: config.dryRun ? "dry-run" : "sweep",
        maxIdsPerJob: config.maxIdsPerJob,
        scanSegments: config.scanSegments,
        pollIntervalMs: config.pollIntervalMs,
        dryRun: config.dryRun,
      },
    });
    summary.readUnits = Math.round(readUnits * 10) / 10;
    // The one summary line: counts only (no ids, no text, no token).
    parts.logger.info(summary, "compliance sweep");
    return summary;
  };
}
