import type { PutRecordsResultEntry } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import type { ProducerMetrics } from "../metrics.js";
import type { RateLimitedLog } from "../rate-limited-log.js";
import type { CallPacer, RetrySchedule } from "./backoff.js";
import { type Batch, recordsOfEntry } from "./batch-builder.js";
import type { KinesisHealth } from "./health.js";
import { classifyEntryError, classifyPutError, type PutFailure } from "./put-records-call.js";
import { type QueuedRecord, settleRecord } from "./record-queue.js";
import type { SpoolOverflow } from "./spool-overflow.js";
import type { WriterCounts } from "./writer-counts.js";

export interface PutResultsParts {
  metrics: ProducerMetrics;
  health: KinesisHealth;
  log: Logger;
  warnings: RateLimitedLog;
  counts: WriterCounts;
  retries: RetrySchedule;
  pacer: CallPacer;
  spool: SpoolOverflow | undefined;
  /** The shutdown grace time is over: failed records are kept for close(), not retried. */
  abandoned: () => boolean;
}

/**
 * What a PutRecords call's outcome means for its records: acknowledged, retried (only the failed entries of
 * a partial success), or, for a record Kinesis itself refuses as invalid, dropped with a metric.
 */
export class PutResults {
  /** When Kinesis last accepted a record: a record refused alone after that is refused for itself. */
  private lastAcceptedAt = 0;
  /** Set while every request is refused as invalid and nothing accepted since: a configuration fault. */
  private refusingAll: string | undefined;

  constructor(private readonly parts: PutResultsParts) {}

  answered(batch: Batch, results: PutRecordsResultEntry[], failedCount: number): void {
    const { metrics, health, counts, pacer } = this.parts;
    const now = Date.now();
    if (failedCount < results.length) this.accepted(now);
    health.reportPut(true, "last PutRecords call succeeded");
    if (failedCount === 0) {
      counts.acknowledge(batch.records, 0, batch.records.length, now);
      metrics.kinesisRecordsPut.inc(batch.entries.length);
      metrics.putRequests.inc({ outcome: "success" });
      pacer.succeeded();
      return;
    }
    const failed: QueuedRecord[] = [];
    let throttled = false;
    let entriesPut = 0;
    for (let i = 0; i < results.length; i++) {
      const errorCode = results[i]?.ErrorCode;
      const start = batch.ends === undefined ? i : (batch.ends[i - 1] ?? 0);
      const end = batch.ends === undefined ? i + 1 : (batch.ends[i] ?? start);
      if (!errorCode) {
        counts.acknowledge(batch.records, start, end, now);
        entriesPut++;
        continue;
      }
      const failure = classifyEntryError(errorCode, results[i]?.ErrorMessage);
      throttled ||= failure.slowDown;
      metrics.recordsFailed.inc({ code: failure.code }, end - start);
      for (const record of recordsOfEntry(batch, i)) failed.push(record);
      this.parts.warnings.warn(
        failure.code,
        { code: failure.code, failedRecords: failedCount },
        "PutRecords partly failed; retrying the failed records",
      );
    }
    metrics.kinesisRecordsPut.inc(entriesPut);
    metrics.putRequests.inc({ outcome: "partial" });
    if (throttled) pacer.slowDown();
    this.parts.retries.schedule(failed);
  }

  failed(batch: Batch, err: unknown): void {
    const { metrics, health, counts, retries } = this.parts;
    const failure = classifyPutError(err);
    const records = batch.records;
    metrics.putRequests.inc({ outcome: failure.throttled ? "throttled" : "error" });
    metrics.recordsFailed.inc({ code: failure.code }, records.length);
    health.reportPut(false, `last PutRecords call failed: ${failure.code}`);
    if (failure.slowDown) this.parts.pacer.slowDown();
    if (this.parts.abandoned()) {
      // close() spools what is still held, or counts it as lost; an aborted call's outcome is unknown, which
      // matters only to records sent again from the spool.
      if (failure.outcomeUnknown && this.parts.spool !== undefined)
        counts.countPossibleDuplicates(records.length);
      retries.keep(records);
      return;
    }
    if (failure.invalidRequest) {
      this.isolateInvalid(records, failure);
      return;
    }
    if (failure.outcomeUnknown) counts.countPossibleDuplicates(records.length);
    this.parts.warnings.warn(
      failure.code,
      {
        code: failure.code,
        records: records.length,
        detail: failure.message,
        possibleDuplicates: failure.outcomeUnknown,
      },
      "PutRecords failed; retrying its records",
    );
    retries.schedule(records);
  }

  private accepted(now: number): void {
    this.lastAcceptedAt = now;
    if (this.refusingAll === undefined) return;
    this.refusingAll = undefined;
    this.parts.metrics.refusingAllRequests.set(0);
    this.parts.log.warn("Kinesis accepts records again after refusing every request as invalid");
  }

  /**
   * Kinesis refused a request as invalid, which our own limits should make impossible. Rather than retry it
   * forever, send its records one per call: a record refused alone while Kinesis accepts others is dropped,
   * the others go through. When nothing is accepted at all (a stream ARN of another region, a request size
   * the stream refuses), the fault is not in the records: they are kept and retried, and it is said loudly.
   */
  private isolateInvalid(records: QueuedRecord[], failure: PutFailure): void {
    const { log } = this.parts;
    const only = records.length === 1 ? records[0] : undefined;
    if (only?.isolate && (only.isolatedAt ?? 0) >= this.lastAcceptedAt) {
      this.refuseAll(failure);
      this.parts.retries.schedule(records);
      return;
    }
    if (this.refusingAll !== undefined) {
      this.refuseAll(failure);
      this.parts.retries.schedule(records);
      return;
    }
    if (only?.isolate) {
      this.parts.counts.release(1, only.size);
      this.parts.spool?.settle(only);
      settleRecord(only, "lost");
      this.parts.metrics.recordsDropped.inc({ reason: "rejected" });
      log.error(
        { code: failure.code, detail: failure.message, bytes: only.size },
        "record dropped: Kinesis refused it as invalid",
      );
      return;
    }
    log.error(
      { code: failure.code, detail: failure.message, records: records.length },
      "Kinesis refused a request as invalid; resending its records one by one",
    );
    const now = Date.now();
    for (const record of records) {
      record.isolate = true;
      record.isolatedAt = now;
    }
    this.parts.retries.schedule(records);
  }

  /** Every request refused, nothing accepted: keep the records, slow down, and tell a person what to check. */
  private refuseAll(failure: PutFailure): void {
    const { metrics, health, pacer } = this.parts;
    const detail = `Kinesis refuses every request as invalid (${failure.code}: ${failure.message}); records are kept: check KINESIS_STREAM_ARN against AWS_REGION, and BATCH_MAX_BYTES`;
    if (this.refusingAll === undefined)
      this.parts.log.error({ code: failure.code, detail: failure.message }, detail);
    this.refusingAll = detail;
    metrics.refusingAllRequests.set(1);
    health.reportPut(false, detail);
    pacer.slowDown();
  }
}
