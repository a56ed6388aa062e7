import { open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { StreamRule } from "../recovery/search-request.js";
import type { StoredGap, WatermarkState } from "./durable-watermark.js";

/** Beside the spool's segments in SPOOL_DIR (the spool ignores files that are not its own). */
export const WATERMARK_FILE = "x-watermark.json";
/** Owner read/write only, like the spool's files. */
const FILE_MODE = 0o600;

export interface StoredWatermark extends WatermarkState {
  /** When the process that wrote it last saw everything it had read up to `newestId` durable. */
  writtenAtMs: number;
}

/** Why a watermark file could not be used: the next start then cannot recover its restart gap. */
export class WatermarkFileError extends Error {
  override readonly name = "WatermarkFileError";
}

/** The stored watermark, or undefined when there is none yet; throws WatermarkFileError when it is unusable. */
export async function readWatermark(dir: string): Promise<StoredWatermark | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, WATERMARK_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new WatermarkFileError(`${WATERMARK_FILE} cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WatermarkFileError(`${WATERMARK_FILE} is not JSON`);
  }
  const { newestId, recentIds, pendingGaps, rules, writtenAt } = (parsed ?? {}) as Record<string, unknown>;
  if (!isId(newestId) || !Array.isArray(recentIds) || !recentIds.every(isId) || typeof writtenAt !== "string")
    throw new WatermarkFileError(`${WATERMARK_FILE} lacks newestId, recentIds or writtenAt`);
  if (!Array.isArray(pendingGaps) || !pendingGaps.every(isStoredGap))
    throw new WatermarkFileError(`${WATERMARK_FILE}: pendingGaps is not a list of gaps`);
  if (rules !== undefined && !(Array.isArray(rules) && rules.every(isRule)))
    throw new WatermarkFileError(`${WATERMARK_FILE}: rules is not a list of rules`);
  const writtenAtMs = Date.parse(writtenAt);
  if (Number.isNaN(writtenAtMs)) throw new WatermarkFileError(`${WATERMARK_FILE}: writtenAt is not a time`);
  return { newestId, recentIds, pendingGaps, ...(rules === undefined ? {} : { rules }), writtenAtMs };
}

const isId = (value: unknown): value is string => typeof value === "string" && /^\d{1,20}$/.test(value);

function isRule(value: unknown): value is StreamRule {
  if (typeof value !== "object" || value === null) return false;
  const rule = value as Record<string, unknown>;
  return (
    typeof rule.id === "string" &&
    typeof rule.value === "string" &&
    (rule.tag === undefined || typeof rule.tag === "string")
  );
}

function isStoredGap(value: unknown): value is StoredGap {
  if (typeof value !== "object" || value === null) return false;
  const gap = value as Record<string, unknown>;
  const times = [gap.firstConnectedAtMs, gap.disconnectedAtMs, gap.reconnectedAtMs];
  const resumed = gap.resumedIds;
  return (
    times.every((t) => typeof t === "number" && Number.isFinite(t)) &&
    (gap.sinceId === undefined || isId(gap.sinceId)) &&
    (resumed === undefined || (Array.isArray(resumed) && resumed.every(isId))) &&
    (gap.searched === undefined || typeof gap.searched === "boolean")
  );
}

/**
 * Replaces the file atomically: the new content goes to a temporary file, is flushed to the disk, and is
 * renamed over the old one, so a crash leaves either the old watermark or the new one, never a torn file; the
 * directory is flushed after the rename, so the new one survives a lost node too.
 */
export async function writeWatermark(dir: string, state: StoredWatermark): Promise<void> {
  const path = join(dir, WATERMARK_FILE);
  const temporary = `${path}.tmp`;
  const body = JSON.stringify({
    newestId: state.newestId,
    recentIds: state.recentIds,
    pendingGaps: state.pendingGaps,
    ...(state.rules === undefined ? {} : { rules: state.rules }),
    writtenAt: new Date(state.writtenAtMs).toISOString(),
  });
  const file = await open(temporary, "w", FILE_MODE);
  try {
    await file.writeFile(body);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  // The rename is durable only once the directory is: without this a lost node (power, kernel) can come back
  // with the old file, or none, though the new content was flushed.
  const directory = await open(dir, "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
