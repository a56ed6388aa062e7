import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** pid and parent pid from the text of /proc/<pid>/stat; the command name may itself contain ") ". */
export function parseStat(stat: string): { pid: number; ppid: number } {
  const close = stat.lastIndexOf(")");
  const pid = Number.parseInt(stat, 10);
  const ppid = Number(stat.slice(close + 2).split(" ")[1]);
  if (close < 0 || !Number.isInteger(pid) || !Number.isInteger(ppid)) {
    throw new Error(`unparseable /proc stat line: ${stat.slice(0, 80)}`);
  }
  return { pid, ppid };
}

function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we were listing
    }
    const { pid, ppid } = parseStat(stat);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  return children;
}

/** Every live descendant of `root` (children, grandchildren, …), nearest first. */
export function descendants(root: number): number[] {
  const children = parentMap();
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * The descendant of `root` running the executable named `executable` (matched on the basename of
 * /proc/<pid>/exe, which names the binary even when the process renamed its threads, as Node does).
 */
export function findDescendantByExecutable(root: number, executable: string): number | undefined {
  return descendants(root).find((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/exe`).split("/").pop() === executable;
    } catch {
      return false;
    }
  });
}

/** Real, effective, saved and filesystem uids of a live process, as the kernel sees them. */
export function processUids(pid: number): number[] {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const line = status.split("\n").find((l) => l.startsWith("Uid:"));
  if (!line) throw new Error(`no Uid line in /proc/${pid}/status`);
  return line.slice(4).trim().split(/\s+/).map(Number);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
