import { createReadStream, createWriteStream } from "node:fs";
import { type FileHandle, open, stat, truncate, unlink } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { type Position, readCursor } from "./cursor-file.js";
import { FILE_MODE, listSegmentIds, segmentPath } from "./segment-files.js";
import { scanSegment } from "./segment-scan.js";

/** What opening the spool found and repaired. Log it: anything but zeros and `[]` deserves a line. */
export interface SpoolRecovery {
  /** Bytes of a last frame cut short by a crash, removed (the record's `append` had not resolved). */
  readonly tornTailBytes: number;
  /** Bytes that were not valid frames, moved aside to `<segment>.corrupt` files for inspection. */
  readonly quarantined: readonly { readonly file: string; readonly bytes: number; readonly reason: string }[];
  /** Set when the stored read position could not be trusted: delivery restarts earlier, repeating records. */
  readonly cursorProblem: string | undefined;
}

export interface RecoveredSegment {
  readonly id: number;
  readonly size: number;
  /** Records at or after the head. */
  readonly records: number;
}

export interface RecoveredState {
  /** Segments that still hold unacknowledged records, oldest first. */
  readonly segments: RecoveredSegment[];
  readonly head: Position;
  readonly records: number;
  readonly nextId: number;
  readonly recovery: SpoolRecovery;
}

/**
 * Reads every stored frame once (bounded memory), then repairs what a crash can leave behind:
 * segments already acknowledged but not yet deleted, a torn last frame, and an untrustworthy cursor.
 * Bytes that are not valid frames anywhere else are moved aside, never silently deleted.
 */
export async function recoverSpool(dir: string): Promise<RecoveredState> {
  const cursor = await readCursor(dir);
  let cursorProblem = cursor.problem;
  const ids = await listSegmentIds(dir);
  const acknowledged = cursor.position?.segment ?? 0;
  const nextId = Math.max(acknowledged, ...ids) + 1;
  let tornTailBytes = 0;
  const quarantined: { file: string; bytes: number; reason: string }[] = [];
  const segments: RecoveredSegment[] = [];
  let head: Position | undefined;
  let records = 0;

  for (const [index, id] of ids.entries()) {
    const path = segmentPath(dir, id);
    if (id < acknowledged) {
      await unlink(path);
      continue;
    }
    let from = head === undefined && id === cursor.position?.segment ? cursor.position.offset : 0;
    const size = (await stat(path)).size;
    let scan = await withHandle(path, (handle) => scanSegment(handle, size, from));
    if (!scan.fromIsBoundary) {
      cursorProblem ??= `read position ${from} of ${path} is not the start of a record`;
      from = 0;
      scan = await withHandle(path, (handle) => scanSegment(handle, size, 0));
    }
    if (scan.stop !== undefined) {
      const isLast = index === ids.length - 1;
      if (scan.stop.kind === "incomplete" && isLast) {
        tornTailBytes += size - scan.validBytes;
      } else {
        // Named by offset: rerunning an interrupted recovery rewrites the same copy instead of adding another.
        const file = `${path}.at-${scan.validBytes}.corrupt`;
        await quarantine(path, scan.validBytes, file);
        quarantined.push({ file, bytes: size - scan.validBytes, reason: scan.stop.reason });
      }
      await truncate(path, scan.validBytes);
    }
    if (scan.records === 0) {
      await unlink(path);
      continue;
    }
    head ??= { segment: id, offset: from };
    segments.push({ id, size: scan.validBytes, records: scan.records });
    records += scan.records;
  }
  return {
    segments,
    head: head ?? { segment: nextId, offset: 0 },
    records,
    nextId,
    recovery: { tornTailBytes, quarantined, cursorProblem },
  };
}

async function withHandle<T>(path: string, use: (handle: FileHandle) => Promise<T>) {
  const handle = await open(path, "r");
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

/** Copies bytes from `start` to the end into `file` (replacing an older copy from an interrupted recovery). */
export async function quarantine(path: string, start: number, file: string): Promise<void> {
  await pipeline(createReadStream(path, { start }), createWriteStream(file, { mode: FILE_MODE }));
}
