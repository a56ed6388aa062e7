import type { Logger } from "pino";
import type { ProducerMetrics } from "../metrics.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import { type Spool, SpoolError, type SpoolRecord } from "../spool/index.js";
import { type QueuedRecord, settleRecord } from "./record-queue.js";
import { SpoolDrain } from "./spool-drain.js";
import {
  nextSpoolState,
  type SpoolCheck,
  type SpoolEvent,
  type SpoolState,
  spoolCheck,
} from "./spool-state.js";

export interface SpoolOverflowHooks {
  /** Something the writer waits on changed: room for spilling, a batch loaded or released. */
  changed(): void;
  /** Records the spool cannot take and that must be sent from memory (broken spool, shutdown). */
  toMemory(records: QueuedRecord[]): void;
  /** Records a crash could now send twice. */
  possibleDuplicates(records: number): void;
}

const LOG_EVERY_MS = 5_000;
const RETRY_MS = 1_000;
/** Records per append call: batching keeps appends cheap (see the spool README's figures). */
const APPEND_BATCH = 500;

/**
 * Memory's overflow to the durable spool, as one state machine (see spool-state.ts). New records go here
 * instead of memory while the buffer is full or while the spool still holds records (so they queue behind
 * them, in arrival order); the writer loads them back, oldest first, when memory has room (SpoolDrain), and
 * the spool forgets them only once Kinesis has them. A record the spool cannot take is never dropped while
 * running: it waits here.
 */
export class SpoolOverflow {
  state: SpoolState;
  private waiting: QueuedRecord[] = [];
  private waitingByteCount = 0;
  private appending: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Why the last append was refused. */
  private fullCause = "SPOOL_MAX_BYTES reached";
  private readonly errors: RateLimitedLog;
  private readonly drain: SpoolDrain;
  spooledRecords = 0;

  constructor(
    readonly spool: Spool,
    private readonly metrics: ProducerMetrics,
    private readonly log: Logger,
    private readonly hooks: SpoolOverflowHooks,
  ) {
    this.errors = new RateLimitedLog(log, LOG_EVERY_MS);
    this.state = spool.recordCount > 0 ? "draining" : "memory";
    this.drain = new SpoolDrain(spool, metrics, log, {
      possibleDuplicates: hooks.possibleDuplicates,
      retryRead: hooks.changed,
      broken: () => this.state === "broken",
    });
    metrics.sources.spool = () => ({
      ...spool.stats(),
      full: this.state === "full",
      state: this.state,
      readFailing: this.drain.readFailure !== undefined,
    });
  }

  /** New records must go behind the spool's (or wait for it), not to memory. */
  get takesNewRecords(): boolean {
    return this.state === "spilling" || this.state === "draining" || this.state === "full";
  }

  /** Bytes waiting in memory for their append. */
  get pendingBytes(): number {
    return this.waitingByteCount;
  }

  /** Why records are not taken now: a full spool or disk, or a broken spool. */
  get refusalCause(): string {
    return this.state === "broken" ? "the spool is broken by a failed disk write" : this.fullCause;
  }

  /** Nothing on its way to disk: no append waiting, no acknowledgement being written. */
  get idle(): boolean {
    return this.waiting.length === 0 && this.appending === undefined && !this.drain.acknowledging;
  }

  readiness(): SpoolCheck {
    return spoolCheck(this.state, {
      fullCause: this.fullCause,
      readFailure: this.drain.readFailure,
      unsavedAcknowledged: this.spool.unsavedAcknowledged,
      lostRecords: this.spool.quarantined.reduce((sum, q) => sum + q.records, 0),
      quarantineFiles: this.spool.quarantined.filter((q) => q.kept).map((q) => q.file),
      unkeptQuarantines: this.spool.quarantined.filter((q) => !q.kept).length,
    });
  }

  spill(record: QueuedRecord): void {
    if (this.stopped) {
      this.hooks.toMemory([record]); // closing: sent within the grace time, or appended by appendNow
      return;
    }
    this.waiting.push(record);
    this.waitingByteCount += record.size;
    this.apply({ kind: "spilled" });
    if (this.state !== "full") this.startAppending();
  }

  /**
   * Starts the append loop, unless it runs or could not append anything. It must always reach its first
   * await: one that ended synchronously would clear `appending` before `appending` was set to it, leaving a
   * settled promise there for good, so that `idle` stayed false and `quiesce` spun without end.
   */
  private startAppending(): void {
    if (this.appending !== undefined || this.stopped || this.state === "broken") return;
    if (this.waiting.length === 0) return;
    this.appending = this.appendWaiting();
  }

  /**
   * At close: nothing more goes to disk until `appendNow`; what waits (except a batch being written) is handed
   * to memory to be sent within the grace time. A batch the disk then refuses waits for `appendNow`.
   */
  stopSpilling(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.handWaitingToMemory();
  }

  /** Resolves once no append is under way (what it could not store then waits, or is in memory). */
  async quiesce(): Promise<void> {
    while (this.appending !== undefined) await this.appending;
  }

  /** Appends whatever still waits, then `records`; says how many of all those were offered and stored. */
  async appendNow(records: QueuedRecord[]): Promise<{ offered: number; stored: number }> {
    await this.quiesce();
    const all = [...this.takeWaiting(Number.POSITIVE_INFINITY), ...records];
    let stored = 0;
    for (let i = 0; i < all.length; i += APPEND_BATCH) {
      const accepted = await this.store(all.slice(i, i + APPEND_BATCH));
      stored += accepted;
      if (accepted < Math.min(APPEND_BATCH, all.length - i)) break;
    }
    for (let i = stored; i < all.length; i++) settleRecord(all[i] as QueuedRecord, "lost"); // the last chance
    return { offered: all.length, stored };
  }

  /** When bypassed (canBypass), records that wait go to memory as room allows: they are the oldest. */
  takeWaiting(maxBytes: number): QueuedRecord[] {
    let count = 0;
    let bytes = 0;
    for (const record of this.waiting) {
      if (bytes + record.size > maxBytes) break;
      bytes += record.size;
      count++;
    }
    const taken = this.waiting.splice(0, count);
    this.waitingByteCount -= bytes;
    if (taken.length > 0) this.apply(this.drainedEvent());
    return taken;
  }

  /**
   * Whether waiting records may go straight to memory: the spool is broken (what it holds waits for a
   * restart), or it refused them and holds nothing older.
   */
  get canBypass(): boolean {
    if (this.appending) return false;
    return (
      this.state === "broken" ||
      (this.state === "full" && this.spool.recordCount === 0 && !this.drain.holdsBatch)
    );
  }

  private apply(event: SpoolEvent): void {
    const next = nextSpoolState(this.state, event);
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    const fields = { from: previous, to: next, waitingRecords: this.waiting.length };
    if (next === "full")
      this.log.error({ ...fields, cause: this.fullCause }, "SPOOL FULL: reading from X pauses");
    else if (next === "broken")
      this.log.error(fields, "SPOOL BROKEN: records stay in memory until a restart");
    else if (previous === "full") this.log.warn(fields, "spool takes records again");
    else this.log.debug(fields, "spool state changed");
  }

  private drainedEvent(): SpoolEvent {
    // A batch being appended has left `waiting` but not reached the spool's count: it still waits.
    const waiting = this.waiting.length + (this.appending === undefined ? 0 : 1);
    return { kind: "drained", waiting, spoolRecords: this.spool.recordCount };
  }

  private async appendWaiting(): Promise<void> {
    while (this.waiting.length > 0 && !this.stopped && this.state !== "broken") {
      const batch = this.waiting.splice(0, APPEND_BATCH);
      const accepted = await this.store(batch);
      for (const record of batch.slice(0, accepted)) this.waitingByteCount -= record.size;
      if (accepted < batch.length) this.waiting.unshift(...batch.slice(accepted)); // kept, in order
      this.hooks.changed();
      if (accepted < batch.length) break;
      this.apply({ kind: "stored", waiting: this.waiting.length, spoolRecords: this.spool.recordCount });
    }
    this.appending = undefined;
    // Broken: what waits goes to memory as room allows (canBypass), never all at once into a full buffer.
    if (this.state === "full" && !this.stopped) this.retryLater();
    this.hooks.changed();
  }

  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.retryNow(), RETRY_MS);
    this.retryTimer.unref();
  }

  private retryNow(): void {
    if (this.state === "full") this.startAppending();
  }

  private handWaitingToMemory(): void {
    const records = this.takeWaiting(Number.POSITIVE_INFINITY);
    if (records.length > 0) this.hooks.toMemory(records);
  }

  /** Stores what fits and returns how many; what is refused stays the caller's. Never throws, never drops. */
  private async store(batch: QueuedRecord[]): Promise<number> {
    let accepted = 0;
    try {
      accepted = (await this.spool.append(batch.map(toSpoolRecord))).accepted;
      for (let i = 0; i < accepted; i++) settleRecord(batch[i] as QueuedRecord, "durable");
      if (accepted < batch.length) this.fullCause = "SPOOL_MAX_BYTES reached";
    } catch (err) {
      if (this.spool.isBroken() || (err instanceof SpoolError && err.kind === "closed")) {
        this.apply({ kind: "broke" });
        return 0;
      }
      this.fullCause = `the disk refused a write: ${err instanceof SpoolError ? err.message : String(err)}`;
      this.errors.warn(
        "spool-write",
        { err, waitingRecords: batch.length },
        "spool write failed; records wait in memory",
      );
    }
    this.spooledRecords += accepted;
    this.metrics.recordsSpooled.inc(accepted);
    if (accepted < batch.length) this.apply({ kind: "refused" });
    return accepted;
  }

  /** Whether the writer may load the next batch: none loaded or loading, and records stored. */
  get canLoad(): boolean {
    return this.state !== "broken" && this.drain.canLoad;
  }

  /** The oldest stored records, tied to their batch (see SpoolDrain), or none. */
  async load(maxRecords: number, maxBytes: number): Promise<QueuedRecord[]> {
    const records = await this.drain.load(maxRecords, maxBytes);
    if (records.length === 0) this.apply(this.drainedEvent());
    return records;
  }

  /** A loaded record was acknowledged by Kinesis or dropped; once its batch is, the spool has room again. */
  settle(record: QueuedRecord): void {
    this.drain.settle(record)?.then(() => {
      this.apply(this.drainedEvent());
      this.retryNow(); // an acknowledgement may have freed space
      this.hooks.changed();
    });
  }

  /** At shutdown (see SpoolDrain.releaseLoaded): how many records Kinesis has that will be sent again. */
  releaseLoaded(): Promise<number> {
    return this.drain.releaseLoaded();
  }
}

function toSpoolRecord(record: QueuedRecord): SpoolRecord {
  return { partitionKey: record.partitionKey, data: record.data, receivedAt: record.receivedAtMs };
}
