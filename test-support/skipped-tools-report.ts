// Vitest globalSetup: at the end of the run, one list of the tests that did not run because a system program is
// missing, each with the command that enables it. Workers record skips in a directory this process owns
// (describeWithTools writes there); the list is printed once, after Vitest's own summary.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SKIP_LOG_VARIABLE, type SkipRecord } from "./system-tools.js";

/** The report's lines, one block per missing program; empty when nothing was skipped. */
export function skippedToolsReport(records: readonly SkipRecord[]): string[] {
  const byTool = new Map<string, { enable: string; titles: Set<string> }>();
  for (const record of records) {
    for (const tool of record.missing) {
      const entry = byTool.get(tool.name) ?? { enable: tool.enable, titles: new Set<string>() };
      entry.titles.add(`${record.file}: ${record.title}`);
      byTool.set(tool.name, entry);
    }
  }
  if (byTool.size === 0) return [];
  const lines = ["", "Skipped because a system program is missing (under CI=true these fail instead):"];
  for (const [name, { enable, titles }] of [...byTool].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${name}: enable with \`${enable}\``);
    for (const title of [...titles].sort()) lines.push(`    - ${title}`);
  }
  return lines;
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "tweetstream-skipped-"));
  process.env[SKIP_LOG_VARIABLE] = dir;
  return () => {
    const records = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as SkipRecord);
    rmSync(dir, { recursive: true, force: true });
    const lines = skippedToolsReport(records);
    if (lines.length > 0) console.log(lines.join("\n"));
  };
}
