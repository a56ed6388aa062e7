import { type FileHandle, open, truncate, unlink } from "node:fs/promises";
import { FILE_MODE, segmentPath, syncDirectory } from "./segment-files.js";

export interface Segment {
  readonly id: number;
  /** Bytes of whole frames in the file. */
  size: number;
  /** Frames in the file not yet acknowledged (a damaged head counts its lost records from this). */
  records: number;
}

/** Frames to write in one call, into the current last segment or into a new one started first. */
interface WriteGroup {
  readonly fresh: boolean;
  readonly frames: Buffer[];
  bytes: number;
}

/**
 * The segment files, oldest first, and the one handle that appends to the last of them.
 * Knows nothing of records or acknowledgements: it writes frames, rotates, rolls back and deletes files.
 */
export class SegmentLog {
  private writer: { readonly id: number; readonly handle: FileHandle } | undefined;

  constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    readonly segments: Segment[],
    private nextId: number,
  ) {}

  get bytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0);
  }

  path(id: number): string {
    return segmentPath(this.dir, id);
  }

  /**
   * Splits the frames that fit under `maxBytes` into writes, starting a new segment whenever the next frame
   * would take a non-empty one past `segmentBytes`. Frames after the first that does not fit are not taken,
   * so what is stored is always a prefix of what was offered, in order.
   */
  plan(frames: readonly Buffer[], maxBytes: number): { groups: WriteGroup[]; accepted: number } {
    const groups: WriteGroup[] = [];
    let used = this.bytes;
    let tailSize = this.segments.at(-1)?.size;
    let accepted = 0;
    for (const frame of frames) {
      if (used + frame.length > maxBytes) break;
      let group = groups.at(-1);
      if (tailSize === undefined || (tailSize > 0 && tailSize + frame.length > this.segmentBytes)) {
        group = { fresh: true, frames: [], bytes: 0 };
        groups.push(group);
        tailSize = 0;
      } else if (group === undefined) {
        group = { fresh: false, frames: [], bytes: 0 };
        groups.push(group);
      }
      group.frames.push(frame);
      group.bytes += frame.length;
      tailSize += frame.length;
      used += frame.length;
      accepted++;
    }
    return { groups, accepted };
  }

  /**
   * Writes the planned groups. On failure everything this call wrote is taken back (the last segment truncated
   * to its old size, segments it created deleted) and a `WriteFailure` is thrown, so a failed append stores
   * nothing. Its `restored` is false when taking back failed too: the caller must then stop writing until the
   * spool is reopened, which cuts off any torn frame.
   */
  async write(groups: readonly WriteGroup[], sync: boolean): Promise<void> {
    const created: number[] = [];
    let restore: { segment: Segment; size: number; records: number } | undefined;
    try {
      for (const group of groups) {
        if (group.fresh) await this.startSegment(created);
        const segment = this.segments.at(-1) as Segment;
        // Only the first group can go into an existing segment; later ones always start a new one.
        if (!group.fresh) restore = { segment, size: segment.size, records: segment.records };
        const handle = await this.writerFor(segment.id);
        await writeAll(handle, Buffer.concat(group.frames, group.bytes), segment.size);
        segment.size += group.bytes;
        segment.records += group.frames.length;
      }
      if (sync && this.writer !== undefined) await this.writer.handle.datasync();
    } catch (error) {
      throw new WriteFailure(error, await this.rollback(created, restore));
    }
  }

  /** Deletes the oldest `count` segments, closing the writer first if it is one of them. */
  async dropOldest(count: number): Promise<void> {
    for (const segment of this.segments.splice(0, count)) {
      if (this.writer?.id === segment.id) await this.closeWriter(false);
      await unlink(this.path(segment.id));
    }
  }

  /** Flushes what was written to the last segment to disk (fdatasync), keeping it open. */
  async sync(): Promise<void> {
    await this.writer?.handle.datasync();
  }

  /** Closes the last segment, flushing it to disk first when `flush` is set. */
  async close(flush: boolean): Promise<void> {
    await this.closeWriter(flush);
  }

  /** Seals the current segment (fdatasync: sealed segments are durable) and creates the next one. */
  private async startSegment(created: number[]): Promise<void> {
    await this.closeWriter(true);
    const id = this.nextId++;
    // "wx": a segment is never created over an existing file. 0600: it holds people's tweets, for us alone.
    const handle = await open(this.path(id), "wx", FILE_MODE);
    this.writer = { id, handle };
    this.segments.push({ id, size: 0, records: 0 });
    created.push(id);
    await syncDirectory(this.dir);
  }

  private async writerFor(id: number): Promise<FileHandle> {
    if (this.writer?.id !== id) {
      await this.closeWriter(true);
      this.writer = { id, handle: await open(this.path(id), "r+") };
    }
    return this.writer.handle;
  }

  private async closeWriter(sync: boolean): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    try {
      if (sync) await writer.handle.datasync();
    } finally {
      await writer.handle.close();
    }
  }

  /** Returns whether the files are back as they were before the failed write. */
  private async rollback(
    created: readonly number[],
    restore: { segment: Segment; size: number; records: number } | undefined,
  ) {
    try {
      if (this.writer !== undefined && created.includes(this.writer.id)) await this.closeWriter(false);
      for (const id of created) await unlink(this.path(id)).catch(ignoreMissing);
      this.segments.splice(this.segments.length - created.length, created.length);
      if (restore !== undefined) {
        await truncate(this.path(restore.segment.id), restore.size);
        restore.segment.size = restore.size;
        restore.segment.records = restore.records;
      }
      return true;
    } catch {
      return false;
    }
  }
}

/** A write that failed; `restored` says whether the stored bytes are exactly as before it. */
export class WriteFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly restored: boolean,
  ) {
    super("segment write failed", { cause });
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, position + written);
    written += bytesWritten;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}
