import { open } from "node:fs/promises";
import type { Position } from "./cursor-file.js";
import { errnoOf, SpoolError } from "./errors.js";
import { decodeFrame, recordSize, type SpoolRecord } from "./frame.js";
import type { SegmentLog } from "./segment-log.js";
import { SegmentReader } from "./segment-reader.js";

export interface HeadRecords {
  readonly records: SpoolRecord[];
  /** Where each record ends: acknowledging `n` records moves the head to `ends[n - 1]`. */
  readonly ends: Position[];
  readonly bytes: number;
}

/**
 * Reads records from `start` on, across segments, until `maxRecords` or `maxBytes` of `recordSize` is reached.
 * The first record is always taken, however large, so one oversized record cannot block the spool.
 */
export async function readFromHead(
  log: SegmentLog,
  start: Position,
  maxRecords: number,
  maxBytes: number,
): Promise<HeadRecords> {
  const taken: HeadRecords = { records: [], ends: [], bytes: 0 };
  let bytes = 0;
  for (const segment of log.segments) {
    const path = log.path(segment.id);
    const handle = await open(path, "r").catch((error: unknown) => {
      throw new SpoolError("io", `spool segment ${path} cannot be opened (${errnoOf(error)})`, {
        cause: error,
      });
    });
    try {
      const reader = new SegmentReader(handle, segment.size, segment.id === start.segment ? start.offset : 0);
      for (let step = await reader.next(); step.kind !== "end"; step = await reader.next()) {
        if (step.kind !== "frame") {
          throw new SpoolError("corrupt", `${path} changed on disk: no valid record at byte ${step.offset}`);
        }
        const record = decodeFrame(step.frame);
        const size = recordSize(record);
        if (taken.records.length > 0 && bytes + size > maxBytes) return { ...taken, bytes };
        taken.records.push(record);
        taken.ends.push({ segment: segment.id, offset: step.end });
        bytes += size;
        if (taken.records.length === maxRecords) return { ...taken, bytes };
      }
    } finally {
      await handle.close();
    }
  }
  return { ...taken, bytes };
}
