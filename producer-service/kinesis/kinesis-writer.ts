import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import { encodeEvent, type TweetEvent } from "../../events/index.js";
import type { ProducerMetrics } from "../metrics.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import type { PushOutcome } from "../x-stream/event-sink.js";
import { dropAtShutdown, spillAtShutdown } from "./at-shutdown.js";
import { CallPacer, DEFAULT_RETRY_BACKOFF, RetrySchedule } from "./backoff.js";
import { KinesisHealth } from "./health.js";
import { MAX_RECORD_BYTES } from "./limits.js";
import { PutResults } from "./put-results.js";
import { type QueuedRecord, RecordQueue } from "./record-queue.js";
import { SendLoop, type WriterPhase } from "./send-loop.js";
import { SpoolOverflow } from "./spool-overflow.js";
import type { SpoolCheck } from "./spool-state.js";
import { type CloseSummary, WriterCounts } from "./writer-counts.js";
import type { KinesisWriterOptions } from "./writer-options.js";

export type { CloseSummary } from "./writer-counts.js";
export type { KinesisWriterOptions, StreamTarget } from "./writer-options.js";

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
  private readonly retries: RetrySchedule;
  private readonly counts: WriterCounts;
  private readonly loop: SendLoop;
  private readonly waiters = new ConditionWaiters();
  private phase: WriterPhase = "open";
  private readonly spool: SpoolOverflow | undefined;

  constructor(
    client: Pick<KinesisClient, "send">,
    private readonly metrics: ProducerMetrics,
    private readonly log: Logger,
    private readonly options: KinesisWriterOptions,
  ) {
    this.spool =
      options.spool === undefined
        ? undefined
        : new SpoolOverflow(options.spool, metrics, log, {
            changed: () => {
              this.waiters.notify();
              this.loop.pump();
            },
            toMemory: (records) => this.toMemory(records),
            possibleDuplicates: (records) => this.counts.countPossibleDuplicates(records),
          });
    this.counts = new WriterCounts(metrics, this.spool);
    this.retries = new RetrySchedule(options.retryBackoff ?? DEFAULT_RETRY_BACKOFF);
    const pacer = new CallPacer(options.throttleBackoff, metrics);
    const putResults = new PutResults({
      metrics,
      health: this.health,
      log,
      warnings: new RateLimitedLog(log, LOG_EVERY_MS),
      counts: this.counts,
      retries: this.retries,
      pacer,
      spool: this.spool,
      abandoned: () => this.phase === "abandoned",
    });
    this.loop = new SendLoop({
      client,
      options,
      metrics,
      fresh: this.fresh,
      retries: this.retries,
      pacer,
      putResults,
      phase: () => this.phase,
      beforeRound: () => this.loadFromSpool(),
      settled: () => this.waiters.notify(),
    });
    metrics.sources.buffer = () => ({
      records: this.counts.heldRecords,
      bytes: this.counts.heldBytes,
      maxBytes: options.bufferMaxBytes,
    });
    // Records a previous process left in the spool go first, whether or not tweets arrive.
    if (this.spool?.canLoad) this.loop.pump();
  }

  /**
   * Makes the records appended to the spool so far survive power loss: the watermark calls it before each
   * write, since it counts a post durable once its bytes were appended. Nothing to do without a spool.
   */
  async syncSpool(): Promise<void> {
    await this.spool?.spool.flush();
  }

  /** The spool's state as /readyz shows it; undefined without a spool. */
  spoolReadiness(): SpoolCheck | undefined {
    return this.spool?.readiness();
  }

  /** Records and bytes held: queued, in flight or waiting for a retry. */
  get held(): { records: number; bytes: number } {
    return { records: this.counts.heldRecords, bytes: this.counts.heldBytes };
  }

  /**
   * Takes the event (always, unless it is too large to ever send). Returns false when the buffer is full:
   * the caller should stop reading until waitForRoom() resolves.
   *
   * With a spool, a full buffer does not stop ingest: the record is appended to the spool instead, and so is
   * every record after it until the spool is empty again, so records reach Kinesis in arrival order. A disk
   * slower than X, or a full spool or disk, pauses ingest (records waiting for the spool reach
   * BUFFER_MAX_BYTES); a broken spool is bypassed, as if there were none.
   *
   * `settled` (EventSink's contract) is called once, later, never from inside push(): "durable" when Kinesis
   * acknowledged the record or the spool file has it, "lost" when it was dropped.
   */
  push(event: TweetEvent, receivedAtMs: number, settled?: (outcome: PushOutcome) => void): boolean {
    const data = encodeEvent(event);
    const partitionKey = this.options.partitionKey === "author" ? event.author.id : event.id;
    const size = data.length + Buffer.byteLength(partitionKey);
    if (size > MAX_RECORD_BYTES) {
      this.metrics.recordsDropped.inc({ reason: "oversize" });
      this.log.error(
        { tweetId: event.id, bytes: size, limitBytes: MAX_RECORD_BYTES },
        "tweet dropped: its record is larger than Kinesis accepts",
      );
      if (settled !== undefined) queueMicrotask(() => settled("lost"));
      return this.hasRoom();
    }
    if (this.phase === "closed" || this.phase === "abandoned") {
      this.metrics.recordsDropped.inc({ reason: "shutdown" });
      this.log.error({ tweetId: event.id }, "tweet dropped: it arrived after the writer closed");
      if (settled !== undefined) queueMicrotask(() => settled("lost"));
      return false;
    }
    const record: QueuedRecord = {
      data,
      partitionKey,
      size,
      receivedAtMs,
      attempts: 0,
      isolate: false,
      settled,
    };
    this.counts.acceptedRecords++;
    const spool = this.spool;
    // Behind records that wait for the spool; with a broken spool only while some still wait for memory.
    const behindSpool =
      spool !== undefined &&
      (spool.state === "broken"
        ? spool.pendingBytes > 0
        : spool.takesNewRecords || this.counts.heldBytes >= this.options.bufferMaxBytes);
    if (behindSpool) {
      spool.spill(record);
      return this.hasRoom();
    }
    this.fresh.push(record);
    this.counts.hold(record);
    if (this.fresh.length === 1 || this.loop.batchFull()) this.loop.pump();
    return this.hasRoom();
  }

  /** Records the spool gave back (broken, or at close): they are held and sent like fresh ones. */
  private toMemory(records: QueuedRecord[]): void {
    this.hold(records);
    this.loop.pump();
  }

  /** Queues records to be sent and counts them against BUFFER_MAX_BYTES. */
  private hold(records: readonly QueuedRecord[]): void {
    for (const record of records) {
      this.fresh.push(record);
      this.counts.hold(record);
    }
  }

  waitForRoom(): Promise<void> {
    return this.waiters.until(() => this.hasRoom());
  }

  /**
   * Sends everything held, ignoring the linger time, for at most `graceMs`; then gives up on what is left:
   * with a spool it is appended there (sent first on the next start), without one it is counted and logged
   * as lost. Pushes after this are dropped (counted). Records already in the spool stay there.
   */
  async close(graceMs: number): Promise<CloseSummary> {
    if (this.phase !== "open") return this.counts.summary(0);
    this.phase = "flushing";
    this.spool?.stopSpilling();
    this.loop.pump();
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      graceTimer = setTimeout(() => resolve(false), graceMs);
    });
    const drained = await Promise.race([
      this.waiters.until(() => this.counts.heldRecords === 0 && (this.spool?.idle ?? true)).then(() => true),
      graceOver,
    ]);
    clearTimeout(graceTimer);
    if (!drained) {
      this.phase = "abandoned";
      this.loop.abortAll();
      await this.waiters.until(() => this.loop.callsInFlight === 0);
    }
    this.phase = "closed";
    this.loop.stop();
    const queues = [this.retries.queue, this.fresh];
    // With a spool, what it could not take is counted (spool_full) and said there.
    const unsentRecords =
      this.spool === undefined
        ? dropAtShutdown(queues, this.counts, this.log, this.metrics, graceMs)
        : await spillAtShutdown(this.spool, queues, this.counts, this.log, this.metrics);
    this.counts.clearHeld();
    this.waiters.notify();
    const summary = this.counts.summary(unsentRecords);
    this.log.info(summary, "Kinesis writer closed");
    return summary;
  }

  private hasRoom(): boolean {
    if (this.phase === "closed") return true;
    if (this.spool !== undefined && this.spool.state !== "broken") {
      return this.spool.pendingBytes < this.options.bufferMaxBytes;
    }
    return this.counts.heldBytes + (this.spool?.pendingBytes ?? 0) < this.options.bufferMaxBytes;
  }

  /**
   * Reads the spool's oldest records into memory when there is room, unless shutting down; or, when the
   * spool refused records and holds nothing older, takes those waiting records straight into memory.
   */
  private loadFromSpool(): void {
    const spool = this.spool;
    const room = this.options.bufferMaxBytes - this.counts.heldBytes;
    if (spool === undefined || this.phase !== "open" || room <= 0) return;
    if (spool.canBypass) {
      this.hold(spool.takeWaiting(room));
      return;
    }
    if (!spool.canLoad) return;
    const maxRecords = this.options.maxRecords * this.options.maxInFlight;
    const maxBytes = Math.min(room, this.options.maxBytes * this.options.maxInFlight);
    void spool.load(maxRecords, maxBytes).then((records) => {
      this.hold(records);
      if (records.length > 0) this.loop.pump();
    });
  }
}

/**
 * Promises that resolve once a condition on the writer's state holds. The writer calls notify() whenever
 * that state changes, so nothing polls.
 */
class ConditionWaiters {
  private waiters: { condition: () => boolean; resolve: () => void }[] = [];

  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ condition, resolve }));
  }

  notify(): void {
    if (this.waiters.length === 0) return;
    const waiting: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.condition()) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }
}
