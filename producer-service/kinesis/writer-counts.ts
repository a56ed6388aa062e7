import type { ProducerMetrics } from "../metrics.js";
import { type QueuedRecord, settleRecord } from "./record-queue.js";
import type { SpoolOverflow } from "./spool-overflow.js";

/** What the writer did over its life, as close() reports it. */
export interface CloseSummary {
  /** Records taken by push(). */
  acceptedRecords: number;
  /** Records Kinesis acknowledged. */
  acknowledgedRecords: number;
  /** Records still held when the grace time ran out, now lost (without a spool, or with the spool full). */
  unsentRecords: number;
  /** Records written to the spool over the writer's life, at shutdown included. */
  spooledRecords: number;
  /** Records sent again after an ambiguous outcome (as possible_duplicates_total counts them). */
  possibleDuplicates: number;
}

/**
 * The records and bytes the writer holds in memory (what BUFFER_MAX_BYTES limits), and its lifetime counts.
 * Acknowledging here also lets the spool forget records it lent, and feeds the delivery metrics.
 */
export class WriterCounts {
  heldRecords = 0;
  heldBytes = 0;
  acceptedRecords = 0;
  private acknowledgedRecords = 0;
  private possibleDuplicates = 0;

  constructor(
    private readonly metrics: ProducerMetrics,
    private readonly spool: SpoolOverflow | undefined,
  ) {}

  hold(record: QueuedRecord): void {
    this.heldRecords++;
    this.heldBytes += record.size;
  }

  release(records: number, bytes: number): void {
    this.heldRecords -= records;
    this.heldBytes -= bytes;
  }

  /** At close, once what was held is spooled or counted as lost. */
  clearHeld(): void {
    this.heldRecords = 0;
    this.heldBytes = 0;
  }

  /** Kinesis has records[start..end): they leave memory (and the spool, for those read from it). */
  acknowledge(records: readonly QueuedRecord[], start: number, end: number, now: number): void {
    let bytes = 0;
    for (let i = start; i < end; i++) {
      const record = records[i] as QueuedRecord;
      bytes += record.size;
      if (record.fromSpool !== undefined) this.spool?.settle(record);
      else if (record.settled !== undefined) settleRecord(record, "durable");
      this.metrics.ackLatency.observe((now - record.receivedAtMs) / 1000);
    }
    this.metrics.recordsPut.inc(end - start);
    this.acknowledgedRecords += end - start;
    this.release(end - start, bytes);
  }

  countPossibleDuplicates(records: number): void {
    this.possibleDuplicates += records;
    this.metrics.possibleDuplicates.inc(records);
  }

  summary(unsentRecords: number): CloseSummary {
    return {
      acceptedRecords: this.acceptedRecords,
      acknowledgedRecords: this.acknowledgedRecords,
      unsentRecords,
      spooledRecords: this.spool?.spooledRecords ?? 0,
      possibleDuplicates: this.possibleDuplicates,
    };
  }
}
