import { SpoolError } from "./errors.js";

export interface SpoolOptions {
  /** Directory holding the spool; created if missing. One producer per directory. */
  readonly dir: string;
  /** Bound on the bytes of all segment files (frames included). `append` refuses records beyond it. */
  readonly maxBytes: number;
  /**
   * A segment is sealed and a new one started when the next frame would take it past this size.
   * Default: an eighth of `maxBytes`, between 64 KiB and 4 MiB. Space is given back a whole segment at a time,
   * so smaller segments free space sooner; larger ones mean fewer files.
   */
  readonly segmentBytes?: number;
  /**
   * `true`: every `append` ends with fdatasync, so a resolved append survives power loss, at a large cost in
   * throughput (see README). `false` (default): a resolved append survives any crash of the process (the kernel
   * holds the bytes); only power loss or a kernel crash can lose the unsynced tail, which is then cut off cleanly.
   */
  readonly fsyncEachAppend?: boolean;
}

export interface SpoolSettings {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsyncEachAppend: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Offsets in the cursor and in memory stay far from any integer limit, and a segment stays one cheap file. */
const MAX_SEGMENT_BYTES = 1024 * MiB;

export function readOptions(options: SpoolOptions): SpoolSettings {
  const { dir, maxBytes } = options;
  if (typeof dir !== "string" || dir.trim() === "") throw invalid("dir must be a non-empty path");
  if (!Number.isSafeInteger(maxBytes) || maxBytes < KiB) {
    throw invalid(`maxBytes must be a whole number of at least ${KiB}, got ${maxBytes}`);
  }
  const segmentBytes = options.segmentBytes ?? defaultSegmentBytes(maxBytes);
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < KiB || segmentBytes > MAX_SEGMENT_BYTES) {
    throw invalid(
      `segmentBytes must be a whole number from ${KiB} to ${MAX_SEGMENT_BYTES}, got ${segmentBytes}`,
    );
  }
  if (segmentBytes > maxBytes)
    throw invalid(`segmentBytes (${segmentBytes}) must not exceed maxBytes (${maxBytes})`);
  return { dir, maxBytes, segmentBytes, fsyncEachAppend: options.fsyncEachAppend ?? false };
}

function defaultSegmentBytes(maxBytes: number): number {
  return Math.min(maxBytes, Math.max(64 * KiB, Math.min(4 * MiB, Math.floor(maxBytes / 8))));
}

function invalid(message: string): SpoolError {
  return new SpoolError("options", `spool: ${message}`);
}
