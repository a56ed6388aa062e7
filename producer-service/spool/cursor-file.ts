import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FILE_MODE } from "./segment-files.js";

/** Where the oldest unacknowledged record starts: a segment id and a byte offset in it. */
export interface Position {
  readonly segment: number;
  readonly offset: number;
}

const CURSOR_FILE = "cursor.json";
const CURSOR_TEMP = "cursor.json.tmp";

/**
 * Reads the acknowledged position, or `undefined` when there is none or it cannot be trusted (a torn write after
 * power loss, a hand edit). Losing it is safe: the spool then delivers from the oldest segment again, which repeats
 * records already sent but never skips one.
 */
export async function readCursor(dir: string): Promise<{ position: Position | undefined; problem?: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, CURSOR_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { position: undefined };
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isPosition(value)) return { position: { segment: value.segment, offset: value.offset } };
  } catch {
    // Falls through: the file is unreadable, reported below.
  }
  return { position: undefined, problem: `${CURSOR_FILE} is unreadable` };
}

function isPosition(value: unknown): value is Position & { version: 1 } {
  if (typeof value !== "object" || value === null) return false;
  const { version, segment, offset } = value as Record<string, unknown>;
  return version === 1 && isCount(segment) && isCount(offset);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Replaces the cursor atomically (write a temporary file, then rename over the old one), so a crash leaves either
 * the old position or the new one. No fsync: after power loss an older position only means records are sent twice.
 */
export async function writeCursor(dir: string, position: Position): Promise<void> {
  const temp = join(dir, CURSOR_TEMP);
  await writeFile(temp, `${JSON.stringify({ version: 1, ...position })}\n`, { mode: FILE_MODE });
  await rename(temp, join(dir, CURSOR_FILE));
}
