import type { FileHandle } from "node:fs/promises";
import { SegmentReader } from "./segment-reader.js";

/** What a segment holds, found by reading every frame once when the spool opens. */
export interface SegmentScan {
  /** Bytes from the start up to the end of the last valid frame. */
  readonly validBytes: number;
  /** Valid frames at or after `from`. */
  readonly records: number;
  /** Whether `from` is the start of a frame (or the end of the valid bytes). */
  readonly fromIsBoundary: boolean;
  /** Why the valid frames stop before the file's end: a torn last frame, or bytes that are not a frame. */
  readonly stop?: {
    readonly kind: "incomplete" | "invalid";
    readonly offset: number;
    readonly reason: string;
  };
}

/**
 * Checks every frame of a segment (each checksum is verified; memory stays at one read chunk).
 * Counting from the start even for a partly acknowledged segment is what proves `from` is a frame boundary.
 */
export async function scanSegment(handle: FileHandle, size: number, from: number): Promise<SegmentScan> {
  const reader = new SegmentReader(handle, size, 0);
  let records = 0;
  let fromIsBoundary = from === 0;
  for (;;) {
    const step = await reader.next();
    if (step.kind === "frame") {
      if (step.offset >= from) records++;
      if (step.end === from) fromIsBoundary = true;
      continue;
    }
    const validBytes = step.offset;
    if (step.kind === "end") return { validBytes, records, fromIsBoundary };
    const reason = step.kind === "incomplete" ? "the last frame is cut short" : step.reason;
    return { validBytes, records, fromIsBoundary, stop: { kind: step.kind, offset: step.offset, reason } };
  }
}
