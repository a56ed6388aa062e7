import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
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
  /** Where DynamoDB is (endpoint, region, credentials); the environment's by default. */
  connection?: DynamoDBClientConfig;
  /** A client used as given for reads and writes, with its own retry settings (the local demo's). */
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
  // Reads and scrubs (Scan, Query, UpdateItem) are retried by the SDK's standard strategy: exponential
  // backoff with jitter, throttling, 5xx and network errors (a reset keep-alive socket among them), within
  // `readMaxAttempts` per call and the SDK's retry quota per client, each call cut at the deadline. Writes go
  // through the batch writer, which retries itself (UnprocessedItems too), so its client makes one attempt.
  const reads =
    parts.dynamo ??
    new DynamoDBClient({ ...parts.connection, maxAttempts: config.readMaxAttempts, retryMode: "standard" });
  const writes = parts.dynamo ?? new DynamoDBClient({ ...parts.connection, maxAttempts: 1 });
  const clock = parts.clock ?? realClock;
  const write = createBatchWriter({
    client: writes,
    tableName: config.tableName,
    concurrency: config.writeConcurrency,
    maxAttempts: config.writeMaxAttempts,
  });
  const stateWrite = createBatchWriter({
    client: writes,
    tableName: config.tableName,
    concurrency: config.writeConcurrency,
    maxAttempts: config.stateWriteMaxAttempts,
  });
  const x = createXComplianceClient({ baseUrl: config.xApiBaseUrl, bearerToken: parts.bearerToken });

  const sweep = async (deadline: number): Promise<SweepSummary> => {
    let readUnits = 0;
    const table = createDynamoTable({
      client: reads,
      tableName: config.tableName,
      write,
      stateWrite,
      // Half the margin past the sweep's deadline, never all of it: the summary and metrics lines come after
      // the last state write, and the invocation's hard timeout would lose them (and the alarm's data point).
      deadline: () => deadline + config.safetyMarginMs / 2,
      readDeadline: deadline,
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
  // Closes the clients it made (a given client is its owner's to close): scripts end without waiting.
  const close = () => {
    if (parts.dynamo) return;
    reads.destroy();
    writes.destroy();
  };
  return Object.assign(sweep, { close });
}
