import type { StreamRecord } from "./stream-record.js";

/** What one invocation of the function returned, as the event source mapping sees it. */
export type InvokeOutcome =
  | { kind: "success" }
  | { kind: "partial"; failedSequenceNumbers: string[] }
  | { kind: "error"; message: string };

/** Why Lambda gave up on records, as its on-failure record's `condition` says. */
export type DiscardCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

export interface DeliveryPorts {
  invoke(records: readonly StreamRecord[]): Promise<InvokeOutcome>;
  /** The on-failure destination: called once retries are exhausted or the records are too old. */
  discard(
    records: readonly StreamRecord[],
    condition: DiscardCondition,
    reason: string,
    attempts: number,
  ): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface DeliveryOptions {
  /** Retries after the first attempt, as Lambda's MaximumRetryAttempts. */
  maxRetryAttempts: number;
  /** Lambda's BisectBatchOnFunctionError: split a failing batch in two; splitting does not count as a retry. */
  bisectOnError: boolean;
  /** Pause before a retry, growing with the attempt number, so a broken function does not spin. */
  retryDelayMs: number;
  /** Lambda's MaximumRecordAgeInSeconds, in ms: older records are given up on, not invoked; undefined: never. */
  maxRecordAgeMs: number | undefined;
}

export interface DeliveryStats {
  invocations: number;
  retries: number;
  /** Records sent to the on-failure destination, for either condition. */
  discarded: number;
  /** Of those, the records given up on for their age. */
  expired: number;
}

/**
 * Delivers one batch with the semantics of Lambda's Kinesis event source mapping, in shard order:
 * - a function error retries the batch, bisecting it first when enabled;
 * - a partial batch response retries from the lowest failed sequence number (later records are resent too);
 * - a response naming a record that is not in the batch counts as a failure of the whole batch;
 * - once retries are exhausted, the records go to the on-failure destination and the shard moves on;
 * - records older than the maximum record age are given up on before any attempt, first or retry.
 */
export async function deliverBatch(
  batch: readonly StreamRecord[],
  ports: DeliveryPorts,
  options: DeliveryOptions,
): Promise<DeliveryStats> {
  const stats: DeliveryStats = { invocations: 0, retries: 0, discarded: 0, expired: 0 };
  const pending: { records: readonly StreamRecord[]; attempts: number }[] = [{ records: batch, attempts: 0 }];
  while (pending.length > 0) {
    const work = pending.shift() as { records: readonly StreamRecord[]; attempts: number };
    if (work.attempts > 0) await ports.sleep(options.retryDelayMs * work.attempts);
    const expired = expiredRecords(work.records, ports.now(), options.maxRecordAgeMs);
    if (expired.length > 0) {
      stats.expired += expired.length;
      stats.discarded += expired.length;
      await ports.discard(
        expired,
        "RecordAgeExceeded",
        `older than the maximum record age (${options.maxRecordAgeMs} ms)`,
        work.attempts,
      );
      const kept = new Set(work.records);
      for (const r of expired) kept.delete(r);
      if (kept.size === 0) continue;
      work.records = [...kept];
    }
    stats.invocations++;
    const outcome = await ports.invoke(work.records);
    if (outcome.kind === "success") continue;

    let retry: readonly StreamRecord[] = work.records;
    let reason: string;
    if (outcome.kind === "partial") {
      const failedAt = lowestFailedIndex(work.records, outcome.failedSequenceNumbers);
      if (failedAt >= 0) retry = work.records.slice(failedAt);
      reason = failedAt >= 0 ? "partial batch failure" : "partial batch response names unknown records";
    } else {
      reason = `function error: ${outcome.message}`;
      if (options.bisectOnError && work.records.length > 1) {
        const half = Math.ceil(work.records.length / 2);
        pending.unshift(
          { records: work.records.slice(0, half), attempts: work.attempts },
          { records: work.records.slice(half), attempts: work.attempts },
        );
        continue;
      }
    }
    if (work.attempts >= options.maxRetryAttempts) {
      stats.discarded += retry.length;
      await ports.discard(retry, "RetryAttemptsExhausted", reason, work.attempts + 1);
      continue;
    }
    stats.retries++;
    pending.unshift({ records: retry, attempts: work.attempts + 1 });
  }
  return stats;
}

/** Index of the earliest failed record, or -1 when a named record is not in the batch (or none is named). */
function lowestFailedIndex(records: readonly StreamRecord[], failed: readonly string[]): number {
  if (failed.length === 0) return -1;
  const index = new Map(records.map((r, i) => [r.sequenceNumber, i]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const seq of failed) {
    const i = index.get(seq);
    if (i === undefined) return -1;
    lowest = Math.min(lowest, i);
  }
  return lowest;
}

function expiredRecords(
  records: readonly StreamRecord[],
  now: number,
  maxAgeMs: number | undefined,
): StreamRecord[] {
  if (maxAgeMs === undefined) return [];
  return records.filter((r) => now - r.approximateArrivalTimestamp.getTime() > maxAgeMs);
}
