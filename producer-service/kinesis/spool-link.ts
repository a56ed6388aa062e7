import type { Logger } from "pino";
import type { ProducerMetrics } from "../metrics.js";
import type { Spool, SpoolRecord, SpoolToken } from "../spool/index.js";
import type { QueuedRecord } from "./record-queue.js";

/** Records read from the spool into memory; they stay on disk until every one of them is settled. */
export interface LoadedBatch {
  readonly token: SpoolToken;
  readonly settled: boolean[];
  /** Records 0..prefix-1 are all settled: what `ack(token, prefix)` may remove at shutdown. */
  prefix: number;
  remaining: number;
}

const LOG_EVERY_MS = 5_000;
/** Records per append call: batching keeps appends cheap (see the spool README's figures). */
const APPEND_BATCH = 500;

/**
 * The writer's bridge to the durable spool. New records go here instead of memory while the buffer is full
 * or while the spool still holds records (so they queue behind them, in arrival order); the writer loads
 * them back, oldest first, when memory has room, and the spool forgets them only once Kinesis has them.
 */
export class SpoolLink {
  private pending: QueuedRecord[] = [];
  private pendingByteCount = 0;
  private appending: Promise<void> | undefined;
  private loading = false;
  private loaded: LoadedBatch | undefined;
  private acking: Promise<void> | undefined;
  private lastFullLog = 0;
  private droppedSinceLog = 0;
  spooledRecords = 0;

  constructor(
    readonly spool: Spool,
    private readonly metrics: ProducerMetrics,
    private readonly log: Logger,
    /** Called when something the writer waits on changed: room for spilling, a batch loaded or released. */
    private readonly changed: () => void,
  ) {
    metrics.sources.spool = () => ({ ...spool.stats(), full: spool.isFull() });
  }

  /**
   * True while new records must go behind the spool's: it holds records, or appends are on their way. A broken
   * spool (a write it could not take back) is bypassed: new records stay in memory under backpressure, and
   * what it holds waits on disk for the reopen at the next start.
   */
  get active(): boolean {
    if (this.spool.isBroken()) return false;
    return this.spool.recordCount > 0 || this.pending.length > 0 || this.appending !== undefined;
  }

  /** Bytes waiting in memory for their append. */
  get pendingBytes(): number {
    return this.pendingByteCount;
  }

  /** Nothing on its way to disk: no append waiting, no acknowledgement being written. */
  get idle(): boolean {
    return this.pending.length === 0 && this.appending === undefined && this.acking === undefined;
  }

  get full(): boolean {
    return this.spool.isFull();
  }

  spill(record: QueuedRecord): void {
    this.pending.push(record);
    this.pendingByteCount += record.size;
    this.appending ??= this.appendPending();
  }

  private async appendPending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, APPEND_BATCH);
      await this.store(batch);
      for (const record of batch) this.pendingByteCount -= record.size;
      this.changed();
    }
    this.appending = undefined;
    this.changed();
  }

  /** Appends `records` after everything spilled so far; returns how many were stored. */
  async appendNow(records: QueuedRecord[]): Promise<number> {
    while (this.appending !== undefined) await this.appending;
    let stored = 0;
    for (let i = 0; i < records.length; i += APPEND_BATCH) {
      stored += await this.store(records.slice(i, i + APPEND_BATCH));
    }
    return stored;
  }

  /** Stores what fits; drops the rest with a counted reason. Never throws: a failed disk is logged. */
  private async store(batch: QueuedRecord[]): Promise<number> {
    let accepted = 0;
    let reason = "spool_full";
    try {
      accepted = (await this.spool.append(batch.map(toSpoolRecord))).accepted;
    } catch (err) {
      reason = "spool_error";
      this.log.error({ err, records: batch.length }, "spool write failed: these records are lost");
    }
    this.spooledRecords += accepted;
    this.metrics.recordsSpooled.inc(accepted);
    const dropped = batch.length - accepted;
    if (dropped > 0) {
      this.metrics.recordsDropped.inc({ reason }, dropped);
      if (reason === "spool_full") this.logFull(dropped);
    }
    return accepted;
  }

  /** Full is an emergency: say so loudly, but once every few seconds, with the count since the last line. */
  private logFull(dropped: number): void {
    this.droppedSinceLog += dropped;
    const now = Date.now();
    if (now - this.lastFullLog < LOG_EVERY_MS) return;
    this.lastFullLog = now;
    const { bytes, maxBytes } = this.spool.stats();
    this.log.error(
      { droppedRecords: this.droppedSinceLog, spoolBytes: bytes, spoolMaxBytes: maxBytes },
      "SPOOL FULL: Kinesis is not taking records and SPOOL_MAX_BYTES is reached; new tweets are dropped",
    );
    this.droppedSinceLog = 0;
  }

  /** Whether the writer may load the next batch: none loaded or loading, and records stored. */
  get canLoad(): boolean {
    return !this.loading && this.loaded === undefined && !this.spool.isBroken() && this.spool.recordCount > 0;
  }

  /**
   * Reads the oldest stored records (within the limits) as queued records tied to their batch, or nothing.
   * Appends still on their way come after them: the spool runs operations in call order.
   */
  async load(maxRecords: number, maxBytes: number): Promise<QueuedRecord[]> {
    this.loading = true;
    try {
      const batch = await this.spool.peek(maxRecords, maxBytes);
      if (batch === undefined) return [];
      const loaded: LoadedBatch = {
        token: batch.token,
        settled: batch.records.map(() => false),
        prefix: 0,
        remaining: batch.records.length,
      };
      this.loaded = loaded;
      return batch.records.map((record, index) => {
        const data = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength);
        const size = data.length + Buffer.byteLength(record.partitionKey);
        return {
          data,
          partitionKey: record.partitionKey,
          size,
          receivedAtMs: record.receivedAt,
          attempts: 0,
          isolate: false,
          fromSpool: { batch: loaded, index },
        };
      });
    } catch (err) {
      this.log.error({ err }, "spool read failed; retrying in a second");
      setTimeout(this.changed, 1_000).unref();
      return [];
    } finally {
      this.loading = false;
    }
  }

  /** A loaded record was acknowledged by Kinesis or dropped: once the whole batch is, the spool forgets it. */
  settle(record: QueuedRecord): void {
    const slot = record.fromSpool;
    if (slot === undefined || slot.batch.settled[slot.index]) return;
    const batch = slot.batch;
    batch.settled[slot.index] = true;
    while (batch.settled[batch.prefix]) batch.prefix++;
    if (--batch.remaining > 0) return;
    this.acking = this.spool.ack(batch.token).then(
      () => this.release(batch),
      (err: unknown) => {
        this.log.error({ err }, "spool acknowledge failed: these records will be sent again after a restart");
        this.release(batch);
      },
    );
  }

  private release(batch: LoadedBatch): void {
    this.acking = undefined;
    if (this.loaded === batch) this.loaded = undefined;
    this.changed();
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
    if (batch.prefix > 0) {
      try {
        await this.spool.ack(batch.token, batch.prefix);
      } catch (err) {
        this.log.error({ err }, "spool acknowledge failed: these records will be sent again after a restart");
        return batch.settled.length - batch.remaining;
      }
    }
    return settledAfterPrefix;
  }
}

function toSpoolRecord(record: QueuedRecord): SpoolRecord {
  return { partitionKey: record.partitionKey, data: record.data, receivedAt: record.receivedAtMs };
}
