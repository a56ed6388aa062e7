import type { Logger } from "pino";
import type { ProducerMetrics } from "../metrics.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import { type Spool, SpoolError, type SpoolRecord, type SpoolToken } from "../spool/index.js";
import type { LoadedBatch, QueuedRecord } from "./record-queue.js";

export interface SpoolDrainHooks {
  /** Records a crash could now send twice. */
  possibleDuplicates(records: number): void;
  /** A failed read is due for another try. */
  retryRead(): void;
  /** The spool is broken: the read position is no longer retried. */
  broken(): boolean;
}

const LOG_EVERY_MS = 5_000;
const RETRY_MS = 1_000;

/**
 * The way back from the spool: reads its oldest records into memory, one batch at a time, and has the spool
 * forget them once every one of them is settled (acknowledged by Kinesis, or dropped). Damaged bytes and read
 * failures met on the way are counted and said loudly; the read position is saved again until it sticks.
 */
export class SpoolDrain {
  private loading = false;
  private loaded: LoadedBatch | undefined;
  private acking: Promise<unknown> | undefined;
  private failure: string | undefined;
  private lostSeen = 0;
  /** One retry loop for the read position, however many acknowledgements could not save it. */
  private positionRetryPending = false;
  private readonly errors: RateLimitedLog;

  constructor(
    private readonly spool: Spool,
    private readonly metrics: ProducerMetrics,
    private readonly log: Logger,
    private readonly hooks: SpoolDrainHooks,
  ) {
    this.errors = new RateLimitedLog(log, LOG_EVERY_MS);
  }

  /** Set while reading from the spool fails: why. */
  get readFailure(): string | undefined {
    return this.failure;
  }

  /** A batch is in memory, not yet wholly settled. */
  get holdsBatch(): boolean {
    return this.loaded !== undefined;
  }

  /** An acknowledgement is being written. */
  get acknowledging(): boolean {
    return this.acking !== undefined;
  }

  /** Whether the next batch may be loaded: none loaded or loading, and records stored. */
  get canLoad(): boolean {
    return !this.loading && this.loaded === undefined && this.spool.recordCount > 0;
  }

  /**
   * Reads the oldest stored records (within the limits) as queued records tied to their batch, or nothing.
   * Damaged bytes met on the way are moved aside by the spool; here they are counted and said loudly.
   */
  async load(maxRecords: number, maxBytes: number): Promise<QueuedRecord[]> {
    this.loading = true;
    try {
      const batch = await this.spool.peek(maxRecords, maxBytes);
      this.readSucceeded();
      this.reportDamage();
      if (batch === undefined) return [];
      const loaded: LoadedBatch = {
        token: batch.token,
        settled: batch.records.map(() => false),
        prefix: 0,
        remaining: batch.records.length,
      };
      this.loaded = loaded;
      return batch.records.map((record, index) => fromSpoolRecord(record, { batch: loaded, index }));
    } catch (err) {
      this.readFailed(err);
      setTimeout(this.hooks.retryRead, RETRY_MS).unref();
      return [];
    } finally {
      this.loading = false;
    }
  }

  /**
   * A loaded record was acknowledged by Kinesis or dropped. Once the whole batch is, the spool forgets it:
   * returns that acknowledgement (it never rejects), after which the next batch may be loaded.
   */
  settle(record: QueuedRecord): Promise<void> | undefined {
    const slot = record.fromSpool;
    if (slot === undefined || slot.batch.settled[slot.index]) return undefined;
    const batch = slot.batch;
    batch.settled[slot.index] = true;
    while (batch.settled[batch.prefix]) batch.prefix++;
    if (--batch.remaining > 0) return undefined;
    const acking = this.acknowledge(batch.token, batch.settled.length).then(() => {
      this.acking = undefined;
      if (this.loaded === batch) this.loaded = undefined;
    });
    this.acking = acking;
    return acking;
  }

  /**
   * At shutdown: removes the settled prefix of the loaded batch; the rest stays for the next start. Returns
   * how many records Kinesis already has that will be sent again (settled, but behind an unsettled one).
   */
  async releaseLoaded(): Promise<number> {
    const batch = this.loaded;
    if (batch === undefined || batch.remaining === 0) return 0;
    this.loaded = undefined;
    const settledAfterPrefix = batch.settled.length - batch.prefix - batch.remaining;
    if (batch.prefix === 0) return settledAfterPrefix;
    await this.acknowledge(batch.token, batch.prefix); // a failed one counts the prefix itself
    return settledAfterPrefix;
  }

  /** Acknowledges to the spool; a position it could not save counts as possible duplicates and is retried. */
  private async acknowledge(token: SpoolToken, count: number): Promise<boolean> {
    try {
      const { positionSaved } = await this.spool.ack(token, count);
      if (!positionSaved) {
        this.hooks.possibleDuplicates(count);
        this.errors.warn(
          "spool-position",
          { unsavedRecords: this.spool.unsavedAcknowledged },
          "spool read position cannot be saved (disk full?); a crash now would resend these records; retrying",
        );
        this.retryPositionSave();
      }
      return true;
    } catch (err) {
      this.hooks.possibleDuplicates(count);
      this.log.error(
        { err, resentRecords: count },
        "spool acknowledge failed: these records will be sent again after a restart",
      );
      return false;
    }
  }

  private retryPositionSave(): void {
    if (this.positionRetryPending) return;
    this.positionRetryPending = true;
    setTimeout(() => {
      if (this.hooks.broken() || this.spool.unsavedAcknowledged === 0) {
        this.positionRetryPending = false;
        return;
      }
      this.spool.savePosition().then(
        (saved) => {
          this.positionRetryPending = false;
          if (saved) this.log.warn("spool read position saved again");
          else this.retryPositionSave();
        },
        () => {
          this.positionRetryPending = false; // closed meanwhile
        },
      );
    }, RETRY_MS).unref();
  }

  /** A read failure that lasts is an operator's matter: said once per episode, then rate-limited. */
  private readFailed(err: unknown): void {
    const first = this.failure === undefined;
    this.failure = err instanceof SpoolError ? err.message : String(err);
    if (first) {
      this.log.error(
        { err, spoolRecords: this.spool.recordCount },
        "SPOOL UNREADABLE: its records wait on disk; retrying every second",
      );
    } else {
      this.errors.warn("spool-read", { err }, "spool read still failing; retrying in a second");
    }
  }

  private readSucceeded(): void {
    if (this.failure === undefined) return;
    this.failure = undefined;
    this.log.warn("spool readable again: draining goes on");
  }

  private reportDamage(): void {
    const quarantined = this.spool.quarantined;
    for (const damage of quarantined.slice(this.lostSeen)) {
      this.metrics.spoolRecordsLost.inc(damage.records);
      const { bytes, records: lostRecords, reason } = damage;
      if (damage.kept) {
        this.log.error(
          { file: damage.file, bytes, lostRecords, reason },
          "SPOOL DAMAGED: unreadable bytes moved aside, their records are lost; draining goes on",
        );
      } else {
        this.log.error(
          { bytes, lostRecords, reason },
          "SPOOL DAMAGED: unreadable bytes cut out WITHOUT a copy (disk full), their records are lost; draining goes on",
        );
      }
    }
    this.lostSeen = quarantined.length;
  }
}

function fromSpoolRecord(record: SpoolRecord, fromSpool: QueuedRecord["fromSpool"]): QueuedRecord {
  const data = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength);
  const size = data.length + Buffer.byteLength(record.partitionKey);
  return {
    data,
    partitionKey: record.partitionKey,
    size,
    receivedAtMs: record.receivedAt,
    attempts: 0,
    isolate: false,
    ...(fromSpool === undefined ? {} : { fromSpool }),
  };
}
