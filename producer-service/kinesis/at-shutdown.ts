import type { Logger } from "pino";
import type { ProducerMetrics } from "../metrics.js";
import { type QueuedRecord, type RecordQueue, settleRecord } from "./record-queue.js";
import type { SpoolOverflow } from "./spool-overflow.js";
import type { WriterCounts } from "./writer-counts.js";

/*
 * What close() does, after the grace time, with the records the writer still holds: spools them, or without a
 * spool gives them up.
 */

/**
 * Without a spool, what is still held at the end is lost: counted (reason shutdown), said at error, told to
 * each pusher, and returned, for close()'s summary.
 */
export function dropAtShutdown(
  queues: readonly RecordQueue[],
  counts: WriterCounts,
  log: Logger,
  metrics: ProducerMetrics,
  graceMs: number,
): number {
  const unsentRecords = counts.heldRecords;
  for (const queue of queues) {
    for (let record = queue.shift(); record !== undefined; record = queue.shift())
      settleRecord(record, "lost");
  }
  if (unsentRecords > 0) {
    metrics.recordsDropped.inc({ reason: "shutdown" }, unsentRecords);
    log.error(
      { unsentRecords, graceMs },
      "shutdown grace time over: records not acknowledged by Kinesis are lost",
    );
  }
  return unsentRecords;
}

/**
 * With a spool, appends what memory still holds to the spool, to be sent first on the
 * next start. Records read from the spool are not appended again: they are still there. Those of them Kinesis
 * already has but the spool keeps (behind one it lacks) will be sent again: they count as possible duplicates.
 * What the spool cannot take (full, or a failed disk) is lost: counted as dropped (spool_full), said in an
 * error line, and returned, for close()'s summary.
 */
export async function spillAtShutdown(
  spool: SpoolOverflow,
  queues: readonly RecordQueue[],
  counts: WriterCounts,
  log: Logger,
  metrics: ProducerMetrics,
): Promise<number> {
  await spool.quiesce(); // a batch the disk refuses meanwhile waits there and goes to appendNow
  const left: QueuedRecord[] = [];
  for (const queue of queues) {
    for (let record = queue.shift(); record !== undefined; record = queue.shift()) {
      if (record.fromSpool === undefined) left.push(record);
    }
  }
  // Records still waiting for the spool (a batch the disk refused during the grace time) go first.
  const { offered, stored } = await spool.appendNow(left);
  const dropped = offered - stored;
  const resent = await spool.releaseLoaded();
  if (resent > 0) counts.countPossibleDuplicates(resent);
  if (dropped > 0) {
    metrics.recordsDropped.inc({ reason: "spool_full" }, dropped);
    log.error(
      { spooledRecords: stored, droppedRecords: dropped, cause: spool.refusalCause },
      "shutdown grace time over and the spool cannot take more: records not acknowledged by Kinesis are lost",
    );
  }
  if (stored > 0 || resent > 0) {
    log.warn(
      { spooledRecords: stored, resentNextStart: resent },
      "shutdown grace time over: records not acknowledged by Kinesis were written to the spool",
    );
  }
  return dropped;
}
