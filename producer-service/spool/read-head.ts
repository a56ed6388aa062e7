import { open } from "node:fs/promises";
import type { Position } from "./cursor-file.js";
import { errnoOf, SpoolError } from "./errors.js";
import { decodeFrame, recordSize, type SpoolRecord } from "./frame.js";
import type { SegmentLog } from "./segment-log.js";
import { SegmentReader } from "./segment-reader.js";

/** Where reading from the head met bytes that are not a valid frame (the disk changed after opening). */
export interface HeadDamage {
  readonly segment: number;
  readonly offset: number;
  readonly reason: string;
  /** Valid records of that segment read before the damage in this read (from the head, or from 0). */
  readonly validBefore: number;
}

export interface HeadRecords {
  readonly records: SpoolRecord[];
  /** Where each record ends: acknowledging `n` records moves the head to `ends[n - 1]`. */
  readonly ends: Position[];
  readonly bytes: number;
  /** Set when the read stopped at damaged bytes: the records before them are returned, the rest are not. */
  readonly damage?: HeadDamage;
}

/**
 * Reads records from `start` on, across segments, until `maxRecords` or `maxBytes` of `recordSize` is reached.
 * The first record is always taken, however large, so one oversized record cannot block the spool.
 * Damaged bytes end the read and are reported, not thrown: the caller moves them aside and goes on.
 */
export async function readFromHead(
  log: SegmentLog,
  start: Position,
  maxRecords: number,
  maxBytes: number,
): Promise<HeadRecords> {
  const records: SpoolRecord[] = [];
  const ends: Position[] = [];
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
      let inSegment = 0;
      for (let step = await reader.next(); step.kind !== "end"; step = await reader.next()) {
        if (step.kind !== "frame") {
          const reason = step.kind === "invalid" ? step.reason : "a frame runs past the segment's end";
          const damage = { segment: segment.id, offset: step.offset, reason, validBefore: inSegment };
          return { records, ends, bytes, damage };
        }
        const record = decodeFrame(step.frame);
        const size = recordSize(record);
        if (records.length > 0 && bytes + size > maxBytes) return { records, ends, bytes };
        records.push(record);
        ends.push({ segment: segment.id, offset: step.end });
        bytes += size;
        inSegment++;
        if (records.length === maxRecords) return { records, ends, bytes };
      }
    } finally {
      await handle.close();
    }
  }
  return { records, ends, bytes };
}
