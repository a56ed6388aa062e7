import { readFileSync } from "node:fs";
import { open, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { errnoOf, SpoolError } from "./errors.js";
import { FILE_MODE } from "./segment-files.js";

export const LOCK_FILE = "spool.lock";
/** A live holder touches its lock this often, so a holder on another host can be told from a dead one. */
const REFRESH_MS = 15_000;
/**
 * A lock not touched for this long is stale (four missed refreshes). Required whenever the holder cannot be
 * proven gone: another host, or our own pid (pid 1 in two containers sharing a hostname and a volume).
 */
export const STALE_AFTER_MS = 60_000;

/** Who holds a spool directory: written into the lock file, named in the error a second opener gets. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), to tell a reused pid apart. */
  readonly processStart: string | null;
}

export interface SpoolLock {
  /** Stops the refresh and deletes the lock file. */
  release(): Promise<void>;
}

/**
 * Takes the directory for this process: the lock file is created with O_EXCL, so of two processes (a scaled
 * service, a rolling update on one volume) only one gets it. A lock left by a dead process is taken over: on
 * this host when its pid is gone, otherwise (another host, our own pid, a pid now of another process) only
 * when it has also not been refreshed for STALE_AFTER_MS; the holder refreshes it every REFRESH_MS.
 */
export async function acquireLock(dir: string, refreshMs = REFRESH_MS): Promise<SpoolLock> {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    processStart: processStartOf(process.pid),
  };
  if (!(await tryCreate(path, me))) {
    const holder = await readHolder(path);
    const staleBecause = holder === undefined ? "unreadable" : await staleReason(path, holder);
    if (staleBecause === undefined) throw inUse(dir, holder);
    await takeOver(path, holder);
    if (!(await tryCreate(path, me))) throw inUse(dir, await readHolder(path));
  }
  const timer = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined); // a missed refresh only risks a takeover after 60 s
  }, refreshMs);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      // Only our own lock is deleted: if ours was taken over (missed refreshes), the file is someone else's.
      const holder = await readHolder(path);
      if (holder !== undefined && JSON.stringify(holder) === JSON.stringify(me)) {
        await unlink(path).catch(() => undefined);
      }
    },
  };
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  try {
    const handle = await open(path, "wx", FILE_MODE);
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return false;
    throw new SpoolError("directory", `spool lock ${path} cannot be created (${errnoOf(error)})`, {
      cause: error,
    });
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, "utf8")) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.hostname !== "string") return undefined;
    return {
      pid: value.pid,
      hostname: value.hostname,
      startedAt: String(value.startedAt),
      processStart: value.processStart ?? null,
    };
  } catch {
    return undefined;
  }
}

/** Why the lock's holder is certainly gone, or undefined while it may be alive. */
async function staleReason(path: string, holder: LockHolder): Promise<string | undefined> {
  const notRefreshed = async (why: string): Promise<string | undefined> => {
    const age = Date.now() - (await stat(path)).mtimeMs;
    return age > STALE_AFTER_MS ? `${why}, not refreshed for ${Math.round(age / 1000)} s` : undefined;
  };
  if (holder.hostname !== hostname()) return notRefreshed("held on another host");
  // Our own pid on our hostname: an earlier run of this container, or pid 1 of another container with the
  // same hostname on the same volume, alive and invisible to us. Only the refresh tells them apart.
  if (holder.pid === process.pid) return notRefreshed("left by a process with this pid");
  if (!isAlive(holder.pid)) return `process ${holder.pid} is gone`;
  const start = processStartOf(holder.pid);
  if (holder.processStart !== null && start !== null && start !== holder.processStart) {
    // The pid may be reused here while the holder lives in another pid namespace: also wait for the refresh.
    return notRefreshed(`pid ${holder.pid} now belongs to another process`);
  }
  return undefined;
}

/**
 * Moves the stale lock aside (rename is atomic, so of two processes taking over only one moves it) and checks
 * that what it moved is the lock it judged stale; a live lock moved by mistake is put back.
 */
async function takeOver(path: string, judged: LockHolder | undefined): Promise<void> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return; // someone else took it over first; tryCreate decides
    throw error;
  }
  const moved = await readHolder(aside);
  if (JSON.stringify(moved) !== JSON.stringify(judged)) {
    await rename(aside, path).catch(() => undefined);
    return;
  }
  await unlink(aside).catch(() => undefined);
}

function inUse(dir: string, holder: LockHolder | undefined): SpoolError {
  const who =
    holder === undefined
      ? "another process (its lock file is being written)"
      : `process ${holder.pid} on host ${holder.hostname} (since ${holder.startedAt})`;
  return new SpoolError(
    "in-use",
    `spool directory "${dir}" is in use by ${who}; give each producer its own SPOOL_DIR. ` +
      `If that process is gone, delete ${join(dir, LOCK_FILE)}`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === "EPERM"; // alive, owned by another user
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces); null off Linux. */
function processStartOf(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
