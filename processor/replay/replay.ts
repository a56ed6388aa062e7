import type { BatchMetrics } from "../metrics.js";
import { planBatch } from "../plan-batch.js";
import { type ProcessBatchPorts, processBatch } from "../process-batch.js";
import type { KeptBatchRef } from "./batch-source.js";
import { parseKeptBatch } from "./kept-batch.js";

/** What replaying one kept batch did (or, in a dry run, would do). */
export interface BatchOutcome {
  readonly source: string;
  readonly condition: string;
  readonly records: number;
  readonly itemsWritten: number;
  readonly earlierVersionsDeleted: number;
  readonly deadLettered: number;
  /** Requests DynamoDB refused for the table's setup: the cause is not fixed yet. */
  readonly refusedAsSystemic: number;
  /** Records neither written nor dead-lettered: replay the batch again once the cause is fixed. */
  readonly failedRecords: number;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  readonly batches: BatchOutcome[];
  /** Files or objects that are not a kept batch, with the reason; nothing was written for them. */
  readonly unreadable: { source: string; error: string }[];
}

export interface ReplayOptions {
  readonly dryRun: boolean;
  /** Time given to each batch's writes, as an invocation's remaining time is (the processor's deadline logic). */
  readonly timePerBatchMs: number;
}

/** The processor's own ports, without the invocation's clock (replay gives each batch `timePerBatchMs`). */
export type ReplayPorts = Omit<ProcessBatchPorts, "remainingTimeMs" | "publishMetrics">;

/**
 * Writes the items of each kept batch through the processor's own core (processBatch: the same decoding, edits,
 * idempotent puts and dead letters as the Lambda), one batch at a time in the order given. A dry run decodes and
 * plans each batch and writes nothing. Replaying a batch twice writes the same items again.
 */
export async function replayKeptBatches(
  refs: readonly KeptBatchRef[],
  ports: ReplayPorts,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const batches: BatchOutcome[] = [];
  const unreadable: { source: string; error: string }[] = [];
  for (const ref of refs) {
    let kept: ReturnType<typeof parseKeptBatch>;
    try {
      kept = parseKeptBatch(ref.source, await ref.read());
    } catch (err) {
      unreadable.push({ source: ref.source, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const counts = options.dryRun
      ? planned(kept.records, ports)
      : await written(kept.records, ports, options);
    batches.push({ source: kept.source, condition: kept.condition, records: kept.records.length, ...counts });
  }
  return { dryRun: options.dryRun, batches, unreadable };
}

type Counts = Omit<BatchOutcome, "source" | "condition" | "records">;

function planned(records: Parameters<typeof planBatch>[0], ports: ReplayPorts): Counts {
  const plan = planBatch(records, new Date(ports.clock.now()).toISOString());
  const puts = plan.writes.filter((write) => "put" in write.request).length;
  return {
    itemsWritten: puts,
    earlierVersionsDeleted: plan.writes.length - puts,
    deadLettered: plan.deadLetters.length,
    refusedAsSystemic: 0,
    failedRecords: 0,
  };
}

async function written(
  records: Parameters<typeof processBatch>[0],
  ports: ReplayPorts,
  options: ReplayOptions,
): Promise<Counts> {
  const started = ports.clock.now();
  let metrics: BatchMetrics | undefined;
  const { batchItemFailures } = await processBatch(records, {
    ...ports,
    remainingTimeMs: () => Math.max(0, started + options.timePerBatchMs - ports.clock.now()),
    publishMetrics: (values) => {
      metrics = values;
    },
  });
  return {
    itemsWritten: metrics?.ItemsWritten ?? 0,
    earlierVersionsDeleted: metrics?.EarlierVersionsDeleted ?? 0,
    deadLettered: metrics?.ItemsDeadLettered ?? 0,
    refusedAsSystemic: metrics?.ItemsRefusedSystemic ?? 0,
    failedRecords: batchItemFailures.length,
  };
}

/** One line per batch and a total, for the operator; no post content, only counts and where each batch was. */
export function formatReport(report: ReplayReport): string[] {
  const verb = report.dryRun ? "would write" : "wrote";
  const lines = report.batches.map(
    (b) =>
      `${b.source}: ${b.records} records (${b.condition}): ${verb} ${b.itemsWritten} items, ${b.earlierVersionsDeleted} earlier versions deleted, ${b.deadLettered} dead-lettered${b.failedRecords > 0 ? `, ${b.failedRecords} records NOT written (${b.refusedAsSystemic} refused for the table's setup): fix the cause and replay again` : ""}`,
  );
  for (const u of report.unreadable) lines.push(`${u.source}: skipped, not a kept batch: ${u.error}`);
  const total = (key: keyof Counts | "records") => report.batches.reduce((sum, b) => sum + b[key], 0);
  lines.push(
    `${report.dryRun ? "dry run: " : ""}${report.batches.length} batches, ${total("records")} records: ${verb} ${total("itemsWritten")} items, ${total("earlierVersionsDeleted")} earlier versions deleted, ${total("deadLettered")} dead-lettered, ${total("failedRecords")} records not written, ${report.unreadable.length} unreadable`,
  );
  return lines;
}

/** Exit status: 0 when every batch was read and fully written (or planned), else 1. */
export const replaySucceeded = (report: ReplayReport) =>
  report.unreadable.length === 0 && report.batches.every((b) => b.failedRecords === 0);
