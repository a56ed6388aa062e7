import { truncate, unlink } from "node:fs/promises";
import { errnoOf, SpoolError } from "./errors.js";
import type { HeadDamage } from "./read-head.js";
import { quarantine } from "./recover.js";
import type { SegmentLog } from "./segment-log.js";

/** Bytes moved aside because they were not valid frames, and the records they held. */
export interface Quarantined {
  readonly file: string;
  /** False when the copy failed for lack of space: the bytes were cut out without a copy. */
  readonly kept: boolean;
  readonly bytes: number;
  readonly reason: string;
  /** Records lost with them (counted from the segment's index; unknown for what opening found: 0). */
  readonly records: number;
}

/**
 * Bytes that went bad after opening (a flipped bit, a bad sector): as opening does, copy the segment from the
 * damage on to `<segment>.at-<offset>.corrupt`, cut the segment there and go on with the next one. Without
 * sync markers nothing after the damage in that segment can be read back, so all of it counts as lost.
 * On a full disk the copy cannot be made: the bytes are cut out without one (kept: false), since a spool
 * that cannot get past them would never drain again.
 */
export async function quarantineDamage(log: SegmentLog, damage: HeadDamage): Promise<Quarantined> {
  const segment = log.segments.find((s) => s.id === damage.segment);
  // Unreachable: the damage was just read from this segment, and only the spool's own queue changes them.
  if (segment === undefined) throw new SpoolError("corrupt", `segment ${damage.segment} is gone`);
  const path = log.path(segment.id);
  const file = `${path}.at-${damage.offset}.corrupt`;
  let kept = true;
  try {
    kept = await copyUnlessDiskFull(path, damage.offset, file);
    await truncate(path, damage.offset);
  } catch (error) {
    throw new SpoolError(
      "io",
      `damaged bytes in ${path} at ${damage.offset} cannot be moved aside (${errnoOf(error)})`,
      { cause: error },
    );
  }
  const bytes = segment.size - damage.offset;
  const records = segment.records - damage.validBefore;
  segment.size = damage.offset;
  segment.records = damage.validBefore;
  return { file, kept, bytes, reason: damage.reason, records };
}

const DISK_FULL = new Set(["ENOSPC", "EDQUOT"]);

/** Copies the damaged bytes to `file`; false (and no partial copy left) when the disk has no room for them. */
async function copyUnlessDiskFull(path: string, offset: number, file: string): Promise<boolean> {
  try {
    await quarantine(path, offset, file);
    return true;
  } catch (error) {
    if (!DISK_FULL.has(errnoOf(error))) throw error;
    await unlink(file).catch(() => undefined);
    return false;
  }
}
