import { statfs } from "node:fs/promises";
import { resolve } from "node:path";
import { type Position, writeCursor } from "./cursor-file.js";
import { type Quarantined, quarantineDamage } from "./damaged-head.js";
import { errnoOf, SpoolError } from "./errors.js";
import { encodeFrame, type SpoolRecord } from "./frame.js";
import { acquireLock, type SpoolLock } from "./lock-file.js";
import { readOptions, type SpoolOptions, type SpoolSettings } from "./options.js";
import { readFromHead } from "./read-head.js";
import { recoverSpool, type SpoolRecovery } from "./recover.js";
import { prepareDirectory } from "./segment-files.js";
import { SegmentLog, WriteFailure } from "./segment-log.js";

export interface SpoolStats {
  /** Records stored and not yet acknowledged. */
  readonly records: number;
  /** Bytes of all segment files, the figure bounded by `maxBytes` (acknowledged records count until their
   * segment is deleted). */
  readonly bytes: number;
  readonly maxBytes: number;
  readonly segments: number;
}

/** Whether `ack` could store the new read position; when not, the head moved in memory only. */
export interface AckResult {
  readonly positionSaved: boolean;
}

/** Bytes kept free on the volume beside the bound: the cursor's temp file, quarantine copies, file slack. */
const FREE_SPACE_RESERVE_BYTES = 256 * 1024;

/** Records read from the head of the spool. They stay stored until `ack(token)`. */
export interface SpoolBatch {
  readonly records: readonly SpoolRecord[];
  /** Sum of `recordSize` over the records: partition keys plus data, as Kinesis counts request size. */
  readonly bytes: number;
  readonly token: SpoolToken;
}

declare const tokenBrand: unique symbol;
/** Opaque proof of which records a `peek` returned; only `ack` reads it. */
export type SpoolToken = { readonly [tokenBrand]: true };

interface TokenState {
  readonly start: Position;
  /** Where each record of the batch ends: acknowledging `n` records moves the head to `ends[n - 1]`. */
  readonly ends: readonly Position[];
}

/** Directories open in this process: two spools appending to one directory would interleave segments. */
const openDirectories = new Set<string>();

/**
 * A durable FIFO of Kinesis records on local disk. See README.md for the format, guarantees and fsync policy.
 * Every operation runs one at a time in call order, so the records are stored and read in the order appended.
 */
export class Spool {
  private readonly tokens = new WeakMap<SpoolToken, TokenState>();
  private queue: Promise<unknown> = Promise.resolve();
  private state: "open" | "broken" | "closed" = "open";
  private closing: Promise<void> | undefined;
  private full = false;
  /** Records acknowledged in memory whose position is not on disk: a crash now sends them again. */
  private unsavedRecords = 0;
  private positionUnsaved = false;
  private readonly damage: Quarantined[] = [];

  private constructor(
    private readonly settings: SpoolSettings,
    private readonly lock: SpoolLock,
    private readonly log: SegmentLog,
    /** Where the oldest unacknowledged record starts in the first segment. */
    private headOffset: number,
    private records: number,
    /** What opening found and repaired: log it when it is not empty. */
    readonly recovery: SpoolRecovery,
    /** The bound taken: `maxBytes`, or less when the volume holds less (log it when `capped`). */
    readonly capacity: Capacity,
  ) {}

  /** Opens (or creates) the spool in `options.dir`, repairing what a crash left behind. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const settings = readOptions(options);
    const key = resolve(settings.dir);
    if (openDirectories.has(key)) throw new SpoolError("in-use", `spool directory "${key}" is already open`);
    openDirectories.add(key);
    let lock: SpoolLock | undefined;
    try {
      await prepareDirectory(settings.dir);
      lock = await acquireLock(key);
      const found = await recoverSpool(settings.dir);
      const log = new SegmentLog(settings.dir, settings.segmentBytes, found.segments, found.nextId);
      const capacity = await capToFreeSpace(settings, log.bytes);
      const headOffset = found.segments.length > 0 ? found.head.offset : 0;
      const effective = { ...settings, maxBytes: capacity.maxBytes };
      const spool = new Spool(effective, lock, log, headOffset, found.records, found.recovery, capacity);
      // A full disk must not stop the start: the position is saved again at the next ack.
      await writeCursor(settings.dir, found.head).catch(() => {
        spool.positionUnsaved = true;
      });
      return spool;
    } catch (error) {
      openDirectories.delete(key);
      await lock?.release();
      if (error instanceof SpoolError) throw error;
      throw new SpoolError("io", `spool directory "${key}" cannot be opened (${errnoOf(error)})`, {
        cause: error,
      });
    }
  }

  /**
   * Stores a prefix of `records`, in order: all of them unless the spool fills up. Records not accepted are the
   * caller's to drop and count; `isFull()` then stays true until an `ack` frees space. Throws `record-invalid`
   * (nothing stored) for a record the spool can never hold, and `io` (nothing stored) when the disk fails.
   */
  async append(records: readonly SpoolRecord[]): Promise<{ readonly accepted: number }> {
    this.assertOpen();
    const frames = records.map((record, index) => {
      try {
        return encodeFrame(record);
      } catch (error) {
        if (!(error instanceof SpoolError)) throw error;
        throw new SpoolError(error.kind, `record ${index} of ${records.length}: ${error.message}`);
      }
    });
    return this.serial(async () => {
      this.assertNotBroken(); // an earlier queued append may have failed since this one was called
      const { groups, accepted } = this.log.plan(frames, this.settings.maxBytes);
      if (accepted < frames.length) this.full = true;
      try {
        await this.log.write(groups, this.settings.fsyncEachAppend);
      } catch (error) {
        if (!(error instanceof WriteFailure)) throw error;
        if (!error.restored) this.state = "broken";
        const after = error.restored
          ? "nothing was stored"
          : "the spool must be reopened to cut off a torn write";
        throw new SpoolError("io", `spool write failed (${errnoOf(error.cause)}); ${after}`, {
          cause: error.cause,
        });
      }
      this.records += accepted;
      return { accepted };
    });
  }

  /**
   * Reads the oldest unacknowledged records, without removing them: up to `maxRecords`, and up to `maxBytes`
   * of `recordSize` (except that a single record larger than `maxBytes` is returned alone rather than never).
   * Peeking again before `ack` returns the same records. `undefined` when the spool is empty.
   */
  async peek(maxRecords: number, maxBytes: number): Promise<SpoolBatch | undefined> {
    this.assertOpen();
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) throw invalidArgument("maxRecords", maxRecords);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw invalidArgument("maxBytes", maxBytes);
    return this.serial(async () => {
      if (this.records === 0) return undefined;
      const start = this.head();
      let read = await readFromHead(this.log, start, maxRecords, maxBytes);
      while (read.damage !== undefined) {
        const lost = await quarantineDamage(this.log, read.damage);
        this.damage.push(lost);
        this.records -= lost.records;
        this.full = false;
        if (read.records.length > 0 || this.records === 0) break;
        read = await readFromHead(this.log, start, maxRecords, maxBytes);
      }
      const { records, ends, bytes } = read;
      if (records.length === 0 && this.records === 0) return undefined;
      // Unreachable while the bookkeeping is right; an empty batch would make a drain loop spin forever.
      if (records.length === 0) {
        throw new SpoolError("corrupt", `${this.records} records are counted but none can be read`);
      }
      const token = Object.freeze({}) as SpoolToken;
      this.tokens.set(token, { start, ends });
      return { records, bytes, token };
    });
  }

  /**
   * Removes the first `count` records (default: all) of a batch from `peek`, once the caller knows Kinesis has
   * them. The batch must start at the current head: tokens of batches already acknowledged are refused.
   * The new head is stored before any file is deleted, so a crash in between repeats records, never skips one.
   */
  async ack(token: SpoolToken, count?: number): Promise<AckResult> {
    this.assertOpen();
    const batch = this.tokens.get(token);
    if (batch === undefined) throw new SpoolError("stale-token", "this token was not issued by this spool");
    const n = count ?? batch.ends.length;
    if (!Number.isSafeInteger(n) || n < 0 || n > batch.ends.length) {
      throw new SpoolError(
        "argument",
        `count must be 0 to ${batch.ends.length} for this batch, got ${count}`,
      );
    }
    return this.serial(async () => {
      const head = this.head();
      if (batch.start.segment !== head.segment || batch.start.offset !== head.offset) {
        throw new SpoolError(
          "stale-token",
          "this batch was already acknowledged (or the head moved since peek)",
        );
      }
      const end = batch.ends[n - 1];
      if (end === undefined) return { positionSaved: !this.positionUnsaved };
      const index = this.log.segments.findIndex((segment) => segment.id === end.segment);
      // Unreachable: a batch starting at the head ends in a segment that only an ack of it can remove.
      if (index === -1) throw new SpoolError("corrupt", `segment ${end.segment} of this batch is gone`);
      const consumed = end.offset === this.log.segments[index]?.size;
      const dropped = consumed ? index + 1 : index;
      // After a whole segment: the next id, even if that segment does not exist yet (recovery deletes every
      // segment below the cursor's and starts at the first one above it).
      const cursor = consumed ? { segment: end.segment + 1, offset: 0 } : end;
      // A cursor that cannot be written (a full disk) leaves the old one: a crash then repeats records, never
      // skips one. The head still moves in memory, so nothing acknowledged is sent again while running.
      const positionSaved = await writeCursor(this.settings.dir, cursor).then(
        () => true,
        () => false,
      );
      this.positionUnsaved = !positionSaved;
      this.unsavedRecords = positionSaved ? 0 : this.unsavedRecords + n;
      this.headOffset = cursor.offset;
      this.records -= n;
      for (const position of batch.ends.slice(0, n)) {
        const segment = this.log.segments.find((s) => s.id === position.segment);
        if (segment !== undefined) segment.records--;
      }
      // Deleting whole acknowledged segments is safe before the cursor is saved (opening skips to the next
      // segment when the cursor's is gone), and it frees the space a full disk needs to save the cursor.
      if (dropped === 0) return { positionSaved };
      this.full = false;
      try {
        await this.log.dropOldest(dropped);
      } catch (error) {
        throw new SpoolError(
          "io",
          `records were acknowledged, but deleting a segment failed (${errnoOf(error)}); the next open deletes it`,
          { cause: error },
        );
      }
      return { positionSaved };
    });
  }

  /**
   * Tries again to store the read position an `ack` could not save. Resolves true once it is on disk.
   */
  async savePosition(): Promise<boolean> {
    this.assertOpen();
    return this.serial(async () => {
      if (!this.positionUnsaved) return true;
      const saved = await writeCursor(this.settings.dir, this.head()).then(
        () => true,
        () => false,
      );
      if (saved) {
        this.positionUnsaved = false;
        this.unsavedRecords = 0;
      }
      return saved;
    });
  }

  /** Records acknowledged since the last position that reached the disk: what a crash now would resend. */
  get unsavedAcknowledged(): number {
    return this.unsavedRecords;
  }

  /** Damaged bytes found while reading (after opening) and moved aside, with the records lost in them. */
  get quarantined(): readonly Quarantined[] {
    return this.damage;
  }

  /**
   * Makes every append resolved so far survive power loss (fdatasync of the last segment; earlier ones were
   * flushed when sealed), after the operations queued before it. Nothing to do on a spool not open.
   */
  flush(): Promise<void> {
    if (this.state !== "open") return Promise.resolve();
    return this.serial(() => this.log.sync());
  }

  /** True from an `append` that could not store everything until an `ack` frees space. */
  isFull(): boolean {
    return this.full;
  }

  /** True after a write that could not be taken back: nothing more is stored or read until a reopen. */
  isBroken(): boolean {
    return this.state === "broken";
  }

  /** Records not yet acknowledged; cheaper than stats() on a hot path. */
  get recordCount(): number {
    return this.records;
  }

  stats(): SpoolStats {
    return {
      records: this.records,
      bytes: this.log.bytes,
      maxBytes: this.settings.maxBytes,
      segments: this.log.segments.length,
    };
  }

  /**
   * Waits for queued operations, makes the last segment durable (fdatasync) and releases the directory.
   * The files are closed even when the final flush fails; the error then says so.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    // A broken spool's last write is already known to be bad: close without flushing it.
    const flush = this.state === "open";
    this.state = "closed";
    this.closing = this.serial(async () => {
      try {
        await this.log.close(flush);
      } catch (error) {
        throw new SpoolError("io", `spool close could not flush to disk (${errnoOf(error)})`, {
          cause: error,
        });
      } finally {
        openDirectories.delete(resolve(this.settings.dir));
        await this.lock.release();
      }
    });
    return this.closing;
  }

  /** Where the oldest unacknowledged record starts (meaningful while there are records). */
  private head(): Position {
    return { segment: this.log.segments[0]?.id ?? -1, offset: this.headOffset };
  }

  private assertOpen(): void {
    if (this.state === "closed") throw new SpoolError("closed", "the spool is closed");
    this.assertNotBroken();
  }

  private assertNotBroken(): void {
    if (this.state === "broken") {
      throw new SpoolError("closed", "a failed write left the spool unusable; reopen it");
    }
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The bound the spool took: `maxBytes` lowered to what the volume can hold, when it holds less. */
export interface Capacity {
  readonly requestedMaxBytes: number;
  readonly maxBytes: number;
  /** Free bytes on the volume at open (for a non-root user), plus what the spool already stores. */
  readonly availableBytes: number;
  readonly capped: boolean;
}

/**
 * A bound larger than the volume (the default 1 GiB on a 1 GiB volume) would end in a full disk before the
 * spool's own bound; cap it at what is free now, less a reserve, so the spool fills up in its orderly way.
 */
async function capToFreeSpace(settings: SpoolSettings, storedBytes: number): Promise<Capacity> {
  const { bavail, bsize } = await statfs(settings.dir);
  const availableBytes = storedBytes + bavail * bsize;
  const limit = Math.max(1024, availableBytes - FREE_SPACE_RESERVE_BYTES);
  const maxBytes = Math.min(settings.maxBytes, limit);
  return {
    requestedMaxBytes: settings.maxBytes,
    maxBytes,
    availableBytes,
    capped: maxBytes < settings.maxBytes,
  };
}

function invalidArgument(name: string, value: number): SpoolError {
  return new SpoolError("argument", `${name} must be a whole number of at least 1, got ${value}`);
}
