import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { ProducerMetrics } from "../metrics.js";
import type { CallPacer, RetrySchedule } from "./backoff.js";
import { type Batch, type EntryMode, takeBatch } from "./batch-builder.js";
import { putRecords } from "./put-records-call.js";
import type { PutResults } from "./put-results.js";
import type { RecordQueue } from "./record-queue.js";
import type { KinesisWriterOptions } from "./writer-options.js";

/** open: normal; flushing: sending everything now; abandoned: grace time over, sending nothing more. */
export type WriterPhase = "open" | "flushing" | "abandoned" | "closed";

export interface SendLoopParts {
  client: Pick<KinesisClient, "send">;
  options: KinesisWriterOptions;
  metrics: ProducerMetrics;
  fresh: RecordQueue;
  retries: RetrySchedule;
  pacer: CallPacer;
  putResults: PutResults;
  phase: () => WriterPhase;
  /** Runs before each round of sending: the writer reads spooled records in when memory has room. */
  beforeRound: () => void;
  /** A call settled: what the writer's waiters wait on may have changed. */
  settled: () => void;
}

/**
 * Starts PutRecords calls: a batch is due when it is full, when its oldest record has lingered long enough,
 * or when retries are due (they go first); at most MAX_IN_FLIGHT at once, and no sooner than the pacer allows.
 */
export class SendLoop {
  private readonly mode: EntryMode;
  private inFlight = 0;
  private readonly aborts = new Set<AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly parts: SendLoopParts) {
    const { options } = parts;
    this.mode = options.aggregation
      ? { aggregateKey: options.partitionKey === "author" ? "author" : "random" }
      : "plain";
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  /** Enough fresh records for a full request (with aggregation, judged by bytes alone). */
  batchFull(): boolean {
    const { fresh, options } = this.parts;
    return fresh.bytes >= options.maxBytes || (this.mode === "plain" && fresh.length >= options.maxRecords);
  }

  /** Starts as many calls as are due and allowed; otherwise sets a timer for when the next one will be. */
  pump(): void {
    const { fresh, retries, pacer, options, phase } = this.parts;
    this.parts.beforeRound();
    while (this.inFlight < options.maxInFlight && (phase() === "open" || phase() === "flushing")) {
      const now = Date.now();
      const retryDue = retries.isDue(now);
      const oldest = fresh.peek();
      const freshDue =
        oldest !== undefined &&
        (phase() === "flushing" || this.batchFull() || now - oldest.receivedAtMs >= options.lingerMs);
      if (!retryDue && !freshDue) {
        const lingerAt =
          oldest === undefined ? Number.POSITIVE_INFINITY : oldest.receivedAtMs + options.lingerMs;
        this.wakeAt(Math.min(retries.dueAt, lingerAt));
        return;
      }
      if (now < pacer.notBefore) {
        this.wakeAt(pacer.notBefore);
        return;
      }
      const queues = retryDue ? [retries.queue, fresh] : [fresh];
      const batch = takeBatch(queues, options, this.mode);
      if (batch.entries.length === 0) return;
      pacer.callStarted(now);
      void this.send(batch);
    }
  }

  /** Cuts the calls in flight short: their records count as failed with an unknown outcome. */
  abortAll(): void {
    for (const abort of this.aborts) abort.abort();
  }

  stop(): void {
    clearTimeout(this.timer);
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
    const { client, options, metrics, putResults } = this.parts;
    this.inFlight++;
    const abort = new AbortController();
    this.aborts.add(abort);
    metrics.recordsPerRequest.observe(batch.records.length);
    const started = performance.now();
    try {
      const { results, failedCount } = await putRecords(client, options.target, batch, abort.signal);
      putResults.answered(batch, results, failedCount);
    } catch (err) {
      putResults.failed(batch, err);
    } finally {
      metrics.putDuration.observe((performance.now() - started) / 1000);
      this.aborts.delete(abort);
      this.inFlight--;
      this.parts.settled();
      this.pump();
    }
  }
}
