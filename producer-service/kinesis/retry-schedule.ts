import { type BackoffOptions, retryDelayMs } from "./backoff.js";
import { type QueuedRecord, RecordQueue } from "./record-queue.js";

/**
 * Records waiting to be sent again, in the order they failed, and when the next attempt is due. One delay
 * covers the whole queue, set by the record that has failed most often: a retry sends them together.
 */
export class RetrySchedule {
  readonly queue = new RecordQueue();
  private notBefore = 0;

  constructor(private readonly backoff: BackoffOptions) {}

  isDue(now: number): boolean {
    return this.queue.length > 0 && now >= this.notBefore;
  }

  /** Epoch ms the next retry is due; infinity when nothing waits. */
  get dueAt(): number {
    return this.queue.length > 0 ? this.notBefore : Number.POSITIVE_INFINITY;
  }

  /** Counts a failed attempt for each record and queues them behind the backoff delay. */
  schedule(records: readonly QueuedRecord[]): void {
    let attempts = 0;
    for (const record of records) {
      record.attempts++;
      attempts = Math.max(attempts, record.attempts);
      this.queue.push(record);
    }
    const delay = retryDelayMs(attempts, this.backoff);
    this.notBefore = Math.max(this.notBefore, Date.now() + delay);
  }

  /** Keeps records whose call was cut short at shutdown, for close() to spool; not an attempt. */
  keep(records: readonly QueuedRecord[]): void {
    for (const record of records) this.queue.push(record);
  }
}
