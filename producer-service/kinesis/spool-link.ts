import type { Logger } from "pino";
import type { ProducerMetrics } from "../metrics.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import { type Spool, SpoolError, type SpoolRecord, type SpoolToken } from "../spool/index.js";
import { type QueuedRecord, settleRecord } from "./record-queue.js";
import {
  nextSpoolState,
  type SpoolCheck,
  type SpoolEvent,
  type SpoolState,
  spoolCheck,
} from "./spool-state.js";

/** Records read from the spool into memory; they stay on disk until every one of them is settled. */
export interface LoadedBatch {
  readonly token: SpoolToken;
  readonly settled: boolean[];
  /** Records 0..prefix-1 are all settled: what `ack(token, prefix)` may remove at shutdown. */
  prefix: number;
  remaining: number;
}

export interface SpoolLinkHooks {
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
 * The writer's bridge to the durable spool, as one state machine (see spool-state.ts). New records go here
 * instead of memory while the buffer is full or while the spool still holds records (so they queue behind
 * them, in arrival order); the writer loads them back, oldest first, when memory has room, and the spool
 * forgets them only once Kinesis has them. A record the spool cannot take is never dropped: it waits here.
 */
export class SpoolLink {
  state: SpoolState;
  private waiting: QueuedRecord[] = [];
  private waitingByteCount = 0;
  private appending: Promise<void> | undefined;
  private loading = false;
  private loaded: LoadedBatch | undefined;
  private acking: Promise<unknown> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Why the last append was refused. */
  private fullCause = "SPOOL_MAX_BYTES reached";
  private readFailure: string | undefined;
  private lostSeen = 0;
  /** One retry loop for the read position, however many acknowledgements could not save it. */
  private positionRetryPending = false;
  private readonly errors: RateLimitedLog;
  spooledRecords = 0;

  constructor(
    readonly spool: Spool,
    private readonly metrics: ProducerMetrics,
    private readonly log: Logger,
    private readonly hooks: SpoolLinkHooks,
  ) {
    this.errors = new RateLimitedLog(log, LOG_EVERY_MS);
    this.state = spool.recordCount > 0 ? "draining" : "memory";
    metrics.sources.spool = () => ({
      ...spool.stats(),
      full: this.state === "full",
      state: this.state,
      readFailing: this.readFailure !== undefined,
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
    return this.waiting.length === 0 && this.appending === undefined && this.acking === undefined;
  }

  readiness(): SpoolCheck {
    return spoolCheck(this.state, {
      fullCause: this.fullCause,
      readFailure: this.readFailure,
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
    return this.state === "broken" || (this.state === "full" && this.spool.recordCount === 0 && !this.loaded);
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
    return (
      !this.loading && this.loaded === undefined && this.state !== "broken" && this.spool.recordCount > 0
    );
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
      if (batch === undefined) {
        this.apply(this.drainedEvent());
        return [];
      }
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
      setTimeout(this.hooks.changed, RETRY_MS).unref();
      return [];
    } finally {
      this.loading = false;
    }
  }

  /** A read failure that lasts is an operator's matter: said once per episode, then rate-limited. */
  private readFailed(err: unknown): void {
    const first = this.readFailure === undefined;
    this.readFailure = err instanceof SpoolError ? err.message : String(err);
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
    if (this.readFailure === undefined) return;
    this.readFailure = undefined;
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

  /** A loaded record was acknowledged by Kinesis or dropped: once the whole batch is, the spool forgets it. */
  settle(record: QueuedRecord): void {
    const slot = record.fromSpool;
    if (slot === undefined || slot.batch.settled[slot.index]) return;
    const batch = slot.batch;
    batch.settled[slot.index] = true;
    while (batch.settled[batch.prefix]) batch.prefix++;
    if (--batch.remaining > 0) return;
    this.acking = this.acknowledge(batch.token, batch.settled.length).finally(() => this.release(batch));
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
      if (this.state === "broken" || this.spool.unsavedAcknowledged === 0) {
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

  private release(batch: LoadedBatch): void {
    this.acking = undefined;
    if (this.loaded === batch) this.loaded = undefined;
    this.apply(this.drainedEvent());
    this.retryNow(); // an acknowledgement may have freed space
    this.hooks.changed();
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
}

function toSpoolRecord(record: QueuedRecord): SpoolRecord {
  return { partitionKey: record.partitionKey, data: record.data, receivedAt: record.receivedAtMs };
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
