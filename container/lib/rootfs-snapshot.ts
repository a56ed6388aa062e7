import { runCommand } from "./run-command.js";

/**
 * path → "type size mtime" for every file and link under a mounted container root, and path → "d" for
 * directories: a directory's mtime moves whenever an entry comes or goes (buildah adds and removes its
 * per-run mount points), and those entries are compared themselves.
 */
export async function snapshotRootfs(root: string): Promise<Map<string, string>> {
  const { stdout } = await runCommand("find", [root, "-xdev", "-printf", "%P\\t%y %s %T@\\n"], {
    timeoutMs: 60_000,
  });
  const entries = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [path, stamp] = line.split("\t");
    if (path && stamp) entries.set(path, stamp.startsWith("d ") ? "d" : stamp);
  }
  return entries;
}

/** Paths added, changed or removed between two snapshots, as `+ path`, `~ path`, `- path`. */
export function rootfsChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, stamp] of after) {
    const old = before.get(path);
    if (old === undefined) changes.push(`+ ${path}`);
    else if (old !== stamp) changes.push(`~ ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`- ${path}`);
  return changes.sort();
}
