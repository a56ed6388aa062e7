import { constants } from "node:fs";
import { access, mkdir, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { errnoOf, SpoolError } from "./errors.js";

/** Owner read/write only, for every file the spool creates: they hold tweets and nothing else needs them. */
export const FILE_MODE = 0o600;

/** Ten digits hold every u32 id, so names sort in the same order as the ids they carry. */
const SEGMENT_NAME = /^(\d{10})\.spool$/;

export function segmentName(id: number): string {
  return `${String(id).padStart(10, "0")}.spool`;
}

export function segmentPath(dir: string, id: number): string {
  return join(dir, segmentName(id));
}

/** Segment ids present in `dir`, oldest first. Other files (the cursor, quarantined bytes) are ignored. */
export async function listSegmentIds(dir: string): Promise<number[]> {
  const ids: number[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (match?.[1] !== undefined) ids.push(Number(match[1]));
  }
  return ids.sort((a, b) => a - b);
}

/** Creates the directory if needed and proves it is a writable directory, with a message an operator can act on. */
export async function prepareDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    // mkdir reports EEXIST for a file at that path, ENOTDIR for a file on the way to it.
    const problem = errnoOf(error) === "EEXIST" ? "exists and is not a directory" : "cannot be created";
    throw new SpoolError("directory", `spool directory "${dir}" ${problem} (${errnoOf(error)})`, {
      cause: error,
    });
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new SpoolError(
      "directory",
      `spool directory "${dir}" is not writable (${errnoOf(error)}); mount a writable volume there`,
      { cause: error },
    );
  }
}

/**
 * Makes a file creation, rename or deletion in `dir` survive power loss (fsync on the directory itself).
 * Only needed where losing the entry would lose data: new segments. A lost cursor rename only repeats records.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
