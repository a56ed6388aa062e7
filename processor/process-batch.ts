import type { KinesisStreamBatchResponse, KinesisStreamRecord } from "aws-lambda";
import { writeDeadline } from "./deadline.js";
import type { BatchMetrics } from "./metrics.js";
import { planBatch } from "./plan-batch.js";
import {
  type BatchLogger,
  type Clock,
  type DeadLetterResult,
  type DeadLetterSender,
  type ItemWriter,
  requestKey,
  type WriteRequest,
} from "./ports.js";
import { deadLetterRejected } from "./rejected-letters.js";
import { itemKey } from "./tweet-item.js";
import { writeInPhases } from "./write-phases.js";

/** Dead letters logged one by one per batch; a batch of garbage must not flood the logs (the queue has all). */
const LOGGED_DEAD_LETTERS = 10;

export interface ProcessBatchPorts {
  writeItems: ItemWriter;
  sendToDeadLetter: DeadLetterSender;
  /** The invocation's remaining time (Lambda's `context.getRemainingTimeInMillis`). */
  remainingTimeMs: () => number;
  /** Kept back from the remaining time so the response is returned before Lambda times out. */
  safetyMarginMs: number;
  logger: BatchLogger;
  clock: Clock;
  /** Days an item stays (its ExpiresAt, for DynamoDB's TTL); 0 or absent: no ExpiresAt. */
  retentionDays?: number;
  /** The batch's CloudWatch metrics; the handler publishes them as EMF, other callers (a replay) may not. */
  publishMetrics?: (metrics: BatchMetrics) => void;
}

/**
 * The processor's core: decode, write and dead-letter one Kinesis batch, and name in `batchItemFailures`
 * every record that is neither fully written nor dead-lettered, so Lambda retries it. Nothing is dropped.
 */
export async function processBatch(
  records: readonly KinesisStreamRecord[],
  ports: ProcessBatchPorts,
): Promise<KinesisStreamBatchResponse> {
  const { logger, clock } = ports;
  const started = clock.now();
  const remainingMs = ports.remainingTimeMs();
  const { deadline, marginMs, capped } = writeDeadline(started, remainingMs, ports.safetyMarginMs);
  if (capped) {
    logger.warn(
      { remainingMs, safetyMarginMs: ports.safetyMarginMs, marginMs },
      "little time left in this invocation: the safety margin is capped so the batch can still be written (raise the function's timeout)",
    );
  }
  const retentionDays = ports.retentionDays ?? 0;
  const expiresAt = retentionDays > 0 ? Math.floor(started / 1000) + retentionDays * 86_400 : undefined;
  const plan = planBatch(records, new Date(started).toISOString(), expiresAt);

  for (const letter of plan.deadLetters.slice(0, LOGGED_DEAD_LETTERS)) {
    logger.warn(
      {
        reason: letter.reason,
        sequenceNumber: letter.origin.sequenceNumber,
        subSequenceNumber: letter.subSequenceNumber,
      },
      "record can never be written: sending it to the dead-letter queue",
    );
  }
  if (plan.deadLetters.length > LOGGED_DEAD_LETTERS) {
    logger.warn(
      { notLogged: plan.deadLetters.length - LOGGED_DEAD_LETTERS },
      "more records can never be written: see the dead-letter queue for each of them",
    );
  }

  if (plan.rawIncludesOmitted + plan.rawOmitted > 0) {
    logger.warn(
      { rawIncludesOmitted: plan.rawIncludesOmitted, rawOmitted: plan.rawOmitted },
      "items over DynamoDB's 400 KB with Raw: written with Raw lacking its includes, or without Raw (RawOmitted)",
    );
  }

  // Writes and dead letters are independent: run them side by side so neither starves the other of time.
  const requests = plan.writes.map((planned) => planned.request);
  const [written, dead] = await Promise.all([
    writeInPhases(plan.writes, (phase) =>
      guard(
        logger,
        () => ports.writeItems(phase, { deadline }),
        (reason) => ({ unwritten: phase.map((request) => ({ request, reason })), rejected: [], retries: 0 }),
      ),
    ),
    guard(
      logger,
      () =>
        plan.deadLetters.length === 0 ? noLetters() : ports.sendToDeadLetter(plan.deadLetters, { deadline }),
      (reason): DeadLetterResult => ({
        failed: plan.deadLetters.map((letter) => ({ letter, reason })),
        payloadOmitted: 0,
      }),
    ),
  ]);

  const failed = new Set<string>();
  if (written.unwritten.length > 0) {
    const ownersByKey = new Map(
      plan.writes.map((planned) => [itemKey(requestKey(planned.request)), planned.owners]),
    );
    for (const { request } of written.unwritten) {
      for (const owner of ownersByKey.get(itemKey(requestKey(request))) ?? []) failed.add(owner);
    }
  }
  // Requests DynamoDB refused on their own: their records go to the queue instead (after the writes found them).
  const rejected = await deadLetterRejected(written.rejected, {
    ...ports,
    writes: plan.writes,
    records,
    deadline,
  });
  for (const { letter } of [...dead.failed, ...rejected.failed]) failed.add(letter.origin.sequenceNumber);

  if (written.systemic) {
    logger.error(
      { refusedAsSystemic: written.unwritten.length, problem: written.systemic },
      "DynamoDB refuses the table's key schema or every item alone: the table's setup needs fixing; records are reported for retry, not dead-lettered: the mapping retries up to its retry limit, then keeps the batch whole in the failed-batch bucket; after the fix, npm run replay writes it",
    );
  } else if (written.unwritten.length > 0) {
    logger.warn(
      { unwritten: written.unwritten.length, firstReason: written.unwritten[0]?.reason },
      "items not written: their records are reported for retry",
    );
  }
  if (dead.failed.length + rejected.failed.length > 0) {
    logger.error(
      {
        failed: dead.failed.length + rejected.failed.length,
        firstReason: (dead.failed[0] ?? rejected.failed[0])?.reason,
      },
      "dead-letter queue refused records: they are reported for retry",
    );
  }

  // In batch order; Lambda restarts the shard from the lowest reported sequence number.
  const batchItemFailures: KinesisStreamBatchResponse["batchItemFailures"] = [];
  const reported = new Set<string>();
  for (const record of records) {
    const sequenceNumber = record.kinesis.sequenceNumber;
    if (failed.has(sequenceNumber) && !reported.has(sequenceNumber)) {
      reported.add(sequenceNumber);
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
    }
  }

  const puts = countPuts(requests);
  const unwrittenPuts = countPuts(
    [...written.unwritten, ...written.rejected].map((failed) => failed.request),
  );
  const summary = {
    records: records.length,
    userRecords: plan.userRecords,
    // Restored earlier versions are puts sent in place of planned deletes (write-phases.ts).
    written: puts + written.earlierVersionsRestored - unwrittenPuts,
    earlierVersionsDeleted:
      requests.length -
      puts -
      written.earlierVersionsRestored -
      (written.unwritten.length + written.rejected.length - unwrittenPuts),
    rejectedByDynamoDb: written.rejected.length - written.earlierVersionsKept,
    earlierVersionsKept: written.earlierVersionsKept,
    earlierVersionsRestored: written.earlierVersionsRestored,
    refusedAsSystemic: written.systemic ? written.unwritten.length : 0,
    deduplicated: plan.deduplicated,
    superseded: plan.superseded,
    rawIncludesOmitted: plan.rawIncludesOmitted,
    rawOmitted: plan.rawOmitted,
    deadLettered: plan.deadLetters.length - dead.failed.length + rejected.sent,
    deadLetterPayloadOmitted: dead.payloadOmitted + rejected.payloadOmitted,
    failedRecords: batchItemFailures.length,
    cutByDeadline: Boolean(written.cutByDeadline || dead.cutByDeadline || rejected.cutByDeadline),
    writeRetries: written.retries,
    durationMs: clock.now() - started,
  };
  logger.info(summary, "batch processed");
  publish(ports, {
    ItemsWritten: summary.written,
    ItemsDeadLettered: summary.deadLettered,
    ItemsRefusedSystemic: summary.refusedAsSystemic,
    BatchesCutByDeadline: summary.cutByDeadline ? 1 : 0,
    EarlierVersionsDeleted: summary.earlierVersionsDeleted,
  });
  return { batchItemFailures };
}

/** A failure to publish the metrics (metrics.ts) never fails a batch that was written. */
function publish(ports: ProcessBatchPorts, metrics: BatchMetrics): void {
  try {
    ports.publishMetrics?.(metrics);
  } catch (err) {
    ports.logger.error({ err }, "the batch's metrics could not be published");
  }
}

/** A port that throws (a bug, not a per-item failure) fails everything it was given, never the whole batch. */
async function guard<T>(
  logger: BatchLogger,
  work: () => Promise<T>,
  failAll: (reason: string) => T,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    logger.error({ err }, "port failed unexpectedly: everything it was given is reported for retry");
    return failAll(err instanceof Error ? err.message : String(err));
  }
}

const countPuts = (requests: readonly WriteRequest[]) =>
  requests.filter((request) => "put" in request).length;
const noLetters = async (): Promise<DeadLetterResult> => ({ failed: [], payloadOmitted: 0 });
