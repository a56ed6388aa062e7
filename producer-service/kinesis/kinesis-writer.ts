import type { KinesisClient, PutRecordsResultEntry } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import { encodeEvent, type TweetEvent } from "../../events/index.js";
import type { ProducerMetrics } from "../metrics.js";
import { AdaptiveThrottle, DEFAULT_RETRY_BACKOFF, retryDelayMs } from "./backoff.js";
import { type Batch, type EntryMode, recordsOfEntry, takeBatch } from "./batch-builder.js";
import { KinesisHealth } from "./health.js";
import { MAX_RECORD_BYTES } from "./limits.js";
import { classifyEntryError, classifyPutError, type PutFailure } from "./put-errors.js";
import { putRecords } from "./put-records-call.js";
import { type QueuedRecord, RecordQueue } from "./record-queue.js";
import { SpoolLink } from "./spool-link.js";
import type { KinesisWriterOptions } from "./writer-options.js";

export type { KinesisWriterOptions, StreamTarget } from "./writer-options.js";

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

const LOG_EVERY_MS = 5_000;

/**
 * Takes tweet events, holds them in a bounded buffer and writes them with batched PutRecords calls.
 *
 * A record is held (and counted against BUFFER_MAX_BYTES) from push() until Kinesis acknowledges it, or
 * until it is dropped with a metric: while queued, while in flight, and while waiting to be retried. Only
 * the failed entries of a call are retried; throttling widens the gap between calls; nothing is given up
 * while running, except a record Kinesis itself refuses as invalid.
 */
export class KinesisWriter {
  readonly health = new KinesisHealth();
  private readonly fresh = new RecordQueue();
  private readonly retry = new RecordQueue();
  private retryNotBefore = 0;
  private heldRecords = 0;
  private heldBytes = 0;
  private inFlight = 0;
  private readonly aborts = new Set<AbortController>();
  private readonly throttle: AdaptiveThrottle;
  private nextCallAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** open: normal; flushing: sending everything now; abandoned: grace time over, sending nothing more. */
  private state: "open" | "flushing" | "abandoned" | "closed" = "open";
  private waiters: { condition: () => boolean; resolve: () => void }[] = [];
  private readonly mode: EntryMode;
  private readonly lastLogged = new Map<string, number>();
  private acceptedRecords = 0;
  private acknowledgedRecords = 0;
  private possibleDuplicates = 0;
  private readonly spool: SpoolLink | undefined;

  constructor(
    private readonly client: Pick<KinesisClient, "send">,
    private readonly metrics: ProducerMetrics,
    private readonly log: Logger,
    private readonly options: KinesisWriterOptions,
  ) {
    this.throttle = new AdaptiveThrottle(options.throttleBackoff);
    this.mode = options.aggregation
      ? { aggregateKey: options.partitionKey === "author" ? "author" : "random" }
      : "plain";
    this.spool =
      options.spool === undefined
        ? undefined
        : new SpoolLink(options.spool, metrics, log, () => {
            this.notify();
            this.pump();
          });
    metrics.sources.buffer = () => ({
      records: this.heldRecords,
      bytes: this.heldBytes,
      maxBytes: options.bufferMaxBytes,
    });
    // Records a previous process left in the spool go first, whether or not tweets arrive.
    if (this.spool?.canLoad) this.pump();
  }

  /** Records and bytes held: queued, in flight or waiting for a retry. */
  get held(): { records: number; bytes: number } {
    return { records: this.heldRecords, bytes: this.heldBytes };
  }

  /**
   * Takes the event (always, unless it is too large to ever send). Returns false when the buffer is full:
   * the caller should stop reading until waitForRoom() resolves.
   *
   * With a spool, a full buffer does not stop ingest: the record is appended to the spool instead, and so is
   * every record after it until the spool is empty again, so records reach Kinesis in arrival order. Only a
   * disk slower than X pauses ingest (appends waiting in memory reach BUFFER_MAX_BYTES).
   */
  push(event: TweetEvent, receivedAtMs: number): boolean {
    const data = encodeEvent(event);
    const partitionKey = this.options.partitionKey === "author" ? event.author.id : event.id;
    const size = data.length + Buffer.byteLength(partitionKey);
    if (size > MAX_RECORD_BYTES) {
      this.metrics.recordsDropped.inc({ reason: "oversize" });
      this.log.error(
        { tweetId: event.id, bytes: size, limitBytes: MAX_RECORD_BYTES },
        "tweet dropped: its record is larger than Kinesis accepts",
      );
      return this.hasRoom();
    }
    if (this.state === "closed" || this.state === "abandoned") {
      this.metrics.recordsDropped.inc({ reason: "shutdown" });
      this.log.error({ tweetId: event.id }, "tweet dropped: it arrived after the writer closed");
      return false;
    }
    const record: QueuedRecord = { data, partitionKey, size, receivedAtMs, attempts: 0, isolate: false };
    this.acceptedRecords++;
    if (this.spool !== undefined && (this.spool.active || this.heldBytes >= this.options.bufferMaxBytes)) {
      this.spool.spill(record);
      return this.hasRoom();
    }
    this.fresh.push(record);
    this.heldRecords++;
    this.heldBytes += size;
    if (this.fresh.length === 1 || this.batchFull()) this.pump();
    return this.hasRoom();
  }

  waitForRoom(): Promise<void> {
    return this.until(() => this.hasRoom());
  }

  /**
   * Sends everything held, ignoring the linger time, for at most `graceMs`; then gives up on what is left:
   * with a spool it is appended there (sent first on the next start), without one it is counted and logged
   * as lost. Pushes after this are dropped (counted). Records already in the spool stay there.
   */
  async close(graceMs: number): Promise<CloseSummary> {
    if (this.state !== "open") return this.summary(0);
    this.state = "flushing";
    this.pump();
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      graceTimer = setTimeout(() => resolve(false), graceMs);
    });
    const drained = await Promise.race([
      this.until(() => this.heldRecords === 0 && (this.spool?.idle ?? true)).then(() => true),
      graceOver,
    ]);
    clearTimeout(graceTimer);
    if (!drained) {
      this.state = "abandoned";
      for (const abort of this.aborts) abort.abort();
      await this.until(() => this.inFlight === 0);
    }
    this.state = "closed";
    clearTimeout(this.timer);
    const unsentRecords = this.spool === undefined ? this.heldRecords : await this.spillAtClose();
    if (unsentRecords > 0) {
      this.metrics.recordsDropped.inc({ reason: "shutdown" }, unsentRecords);
      this.log.error(
        { unsentRecords, graceMs },
        "shutdown grace time over: records not acknowledged by Kinesis are lost",
      );
    }
    this.heldRecords = 0;
    this.heldBytes = 0;
    this.notify();
    const summary = this.summary(unsentRecords);
    this.log.info(summary, "Kinesis writer closed");
    return summary;
  }

  /** Appends what memory still holds (except records read from the spool: they are still there). */
  private async spillAtClose(): Promise<number> {
    const spool = this.spool as SpoolLink;
    const left: QueuedRecord[] = [];
    for (const queue of [this.retry, this.fresh]) {
      for (let record = queue.shift(); record !== undefined; record = queue.shift()) {
        if (record.fromSpool === undefined) left.push(record);
      }
    }
    const stored = left.length === 0 ? 0 : await spool.appendNow(left);
    const resent = await spool.releaseLoaded();
    if (resent > 0) this.countPossibleDuplicates(resent);
    if (left.length > 0 || resent > 0) {
      this.log.warn(
        { spooledRecords: stored, droppedRecords: left.length - stored, resentNextStart: resent },
        "shutdown grace time over: records not acknowledged by Kinesis were written to the spool",
      );
    }
    return 0; // what did not fit is already counted as dropped (spool_full)
  }

  private summary(unsentRecords: number): CloseSummary {
    return {
      acceptedRecords: this.acceptedRecords,
      acknowledgedRecords: this.acknowledgedRecords,
      unsentRecords,
      spooledRecords: this.spool?.spooledRecords ?? 0,
      possibleDuplicates: this.possibleDuplicates,
    };
  }

  private countPossibleDuplicates(records: number): void {
    this.possibleDuplicates += records;
    this.metrics.possibleDuplicates.inc(records);
  }

  private hasRoom(): boolean {
    if (this.state === "closed") return true;
    if (this.spool !== undefined) return this.spool.pendingBytes < this.options.bufferMaxBytes;
    return this.heldBytes < this.options.bufferMaxBytes;
  }

  /** Reads the spool's oldest records into memory when there is room, unless shutting down. */
  private loadFromSpool(): void {
    const spool = this.spool;
    const room = this.options.bufferMaxBytes - this.heldBytes;
    if (spool === undefined || this.state !== "open" || !spool.canLoad || room <= 0) return;
    const maxRecords = this.options.maxRecords * this.options.maxInFlight;
    const maxBytes = Math.min(room, this.options.maxBytes * this.options.maxInFlight);
    void spool.load(maxRecords, maxBytes).then((records) => {
      for (const record of records) {
        this.fresh.push(record);
        this.heldRecords++;
        this.heldBytes += record.size;
      }
      if (records.length > 0) this.pump();
    });
  }

  /** Enough fresh records for a full request (with aggregation, judged by bytes alone). */
  private batchFull(): boolean {
    return (
      this.fresh.bytes >= this.options.maxBytes ||
      (this.mode === "plain" && this.fresh.length >= this.options.maxRecords)
    );
  }

  /** Starts as many calls as are due and allowed; otherwise sets a timer for when the next one will be. */
  private pump(): void {
    this.loadFromSpool();
    while (this.inFlight < this.options.maxInFlight && (this.state === "open" || this.state === "flushing")) {
      const now = Date.now();
      const retryDue = this.retry.length > 0 && now >= this.retryNotBefore;
      const oldest = this.fresh.peek();
      const freshDue =
        oldest !== undefined &&
        (this.state === "flushing" || this.batchFull() || now - oldest.receivedAtMs >= this.options.lingerMs);
      if (!retryDue && !freshDue) {
        const retryAt = this.retry.length > 0 ? this.retryNotBefore : Number.POSITIVE_INFINITY;
        const lingerAt =
          oldest === undefined ? Number.POSITIVE_INFINITY : oldest.receivedAtMs + this.options.lingerMs;
        this.wakeAt(Math.min(retryAt, lingerAt));
        return;
      }
      if (now < this.nextCallAt) {
        this.wakeAt(this.nextCallAt);
        return;
      }
      const queues = retryDue ? [this.retry, this.fresh] : [this.fresh];
      const batch = takeBatch(queues, this.options, this.mode);
      if (batch.entries.length === 0) return;
      this.nextCallAt = now + this.throttle.delayMs;
      void this.send(batch);
    }
  }

  private wakeAt(at: number): void {
    if (at === Number.POSITIVE_INFINITY || (this.timer !== undefined && this.timerAt <= at)) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private async send(batch: Batch): Promise<void> {
    this.inFlight++;
    const abort = new AbortController();
    this.aborts.add(abort);
    this.metrics.recordsPerRequest.observe(batch.records.length);
    const started = performance.now();
    try {
      const { results, failedCount } = await putRecords(
        this.client,
        this.options.target,
        batch,
        abort.signal,
      );
      this.settleResponse(batch, results, failedCount);
    } catch (err) {
      this.settleError(batch, err);
    } finally {
      this.metrics.putDuration.observe((performance.now() - started) / 1000);
      this.aborts.delete(abort);
      this.inFlight--;
      this.notify();
      this.pump();
    }
  }

  private settleResponse(batch: Batch, results: PutRecordsResultEntry[], failedCount: number): void {
    const now = Date.now();
    this.health.reportPut(true, "last PutRecords call succeeded");
    if (failedCount === 0) {
      this.acknowledge(batch.records, 0, batch.records.length, now);
      this.metrics.kinesisRecordsPut.inc(batch.entries.length);
      this.metrics.putRequests.inc({ outcome: "success" });
      if (this.throttle.delayMs > 0) {
        this.throttle.succeeded();
        this.metrics.throttleDelay.set(this.throttle.delayMs / 1000);
      }
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
        this.acknowledge(batch.records, start, end, now);
        entriesPut++;
        continue;
      }
      const failure = classifyEntryError(errorCode, results[i]?.ErrorMessage);
      throttled ||= failure.slowDown;
      this.metrics.recordsFailed.inc({ code: failure.code }, end - start);
      for (const record of recordsOfEntry(batch, i)) failed.push(record);
      this.logLimited(
        failure.code,
        { code: failure.code, failedRecords: failedCount },
        "PutRecords partly failed; retrying the failed records",
      );
    }
    this.metrics.kinesisRecordsPut.inc(entriesPut);
    this.metrics.putRequests.inc({ outcome: "partial" });
    if (throttled) this.slowDown();
    this.scheduleRetry(failed);
  }

  private settleError(batch: Batch, err: unknown): void {
    const failure = classifyPutError(err);
    const records = batch.records;
    this.metrics.putRequests.inc({ outcome: failure.throttled ? "throttled" : "error" });
    this.metrics.recordsFailed.inc({ code: failure.code }, records.length);
    this.health.reportPut(false, `last PutRecords call failed: ${failure.code}`);
    if (failure.slowDown) this.slowDown();
    if (this.state === "abandoned") {
      // close() spools or counts what is still held; an aborted call's outcome is unknown.
      if (this.spool === undefined) return;
      if (failure.outcomeUnknown) this.countPossibleDuplicates(records.length);
      for (const record of records) this.retry.push(record);
      return;
    }
    if (failure.invalidRequest) {
      this.isolateInvalid(records, failure);
      return;
    }
    if (failure.outcomeUnknown) this.countPossibleDuplicates(records.length);
    this.logLimited(
      failure.code,
      {
        code: failure.code,
        records: records.length,
        detail: failure.message,
        possibleDuplicates: failure.outcomeUnknown,
      },
      "PutRecords failed; retrying its records",
    );
    this.scheduleRetry(records);
  }

  /**
   * Kinesis refused a request as invalid, which our own limits should make impossible. Rather than retry it
   * forever, send its records one per call: the record refused alone is dropped, the others go through.
   */
  private isolateInvalid(records: QueuedRecord[], failure: PutFailure): void {
    const only = records.length === 1 ? records[0] : undefined;
    if (only?.isolate) {
      this.release(1, only.size);
      this.spool?.settle(only);
      this.metrics.recordsDropped.inc({ reason: "rejected" });
      this.log.error(
        { code: failure.code, detail: failure.message, bytes: only.size },
        "record dropped: Kinesis refused it as invalid",
      );
      return;
    }
    this.log.error(
      { code: failure.code, detail: failure.message, records: records.length },
      "Kinesis refused a request as invalid; resending its records one by one",
    );
    for (const record of records) record.isolate = true;
    this.scheduleRetry(records);
  }

  /** Widens the gap between calls, counting it from now: the next call waits even if it was due. */
  private slowDown(): void {
    this.throttle.throttled();
    this.nextCallAt = Math.max(this.nextCallAt, Date.now() + this.throttle.delayMs);
    this.metrics.throttleDelay.set(this.throttle.delayMs / 1000);
  }

  private scheduleRetry(records: QueuedRecord[]): void {
    let attempts = 0;
    for (const record of records) {
      record.attempts++;
      attempts = Math.max(attempts, record.attempts);
      this.retry.push(record);
    }
    const delay = retryDelayMs(attempts, this.options.retryBackoff ?? DEFAULT_RETRY_BACKOFF);
    this.retryNotBefore = Math.max(this.retryNotBefore, Date.now() + delay);
  }

  private acknowledge(records: QueuedRecord[], start: number, end: number, now: number): void {
    let bytes = 0;
    for (let i = start; i < end; i++) {
      const record = records[i] as QueuedRecord;
      bytes += record.size;
      if (record.fromSpool !== undefined) this.spool?.settle(record);
      this.metrics.ackLatency.observe((now - record.receivedAtMs) / 1000);
    }
    this.metrics.recordsPut.inc(end - start);
    this.acknowledgedRecords += end - start;
    this.release(end - start, bytes);
  }

  private release(records: number, bytes: number): void {
    this.heldRecords -= records;
    this.heldBytes -= bytes;
  }

  private until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ condition, resolve }));
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const waiting: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.condition()) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  /** Failures can repeat hundreds of times a second: log each kind at most every few seconds. */
  private logLimited(key: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? 0) < LOG_EVERY_MS) return;
    this.lastLogged.set(key, now);
    this.log.warn(fields, message);
  }
}
