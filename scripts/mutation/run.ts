// `npm run test:mutation [-- MODULE... [--mutate GLOB,...] [--tests GLOB,...] [--budget MINUTES]]`: StrykerJS over
// the modules that guard data (scripts/mutation/modules.ts), one module at a time and one file at a time, within
// each module's time budget: at the budget the file under way is stopped and no further file starts, so what
// finished still counts and the files left are named. Prints per module the mutation score and its time, and every
// surviving mutant (file:line, mutator, replacement) to triage: a mutant that matters gets a test.
// Reports: .cache/mutation/<module>/<file>.json. Outside `npm test`: it takes tens of minutes.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MUTATION_MODULES } from "./modules.js";
import { formatScores, type ModuleScore, mergeReports, type StrykerReport } from "./score.js";

const OUT = ".cache/mutation";
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { mutate: { type: "string" }, tests: { type: "string" }, budget: { type: "string" } },
});
const names = positionals.length > 0 ? positionals : Object.keys(MUTATION_MODULES);
const unknown = names.filter((name) => !(name in MUTATION_MODULES));
if (unknown.length > 0) {
  console.error(
    `unknown module(s) ${unknown.join(", ")}; known: ${Object.keys(MUTATION_MODULES).join(", ")}`,
  );
  process.exit(2);
}

/**
 * The tracked files the globs name (a leading `!` excludes), in git's glob syntax: `*` stays inside a folder. A file
 * with a line range (`processor/plan-batch.ts:20-60`, Stryker's syntax) is taken as it is.
 */
function filesOf(globs: readonly string[]): string[] {
  const ranges = globs.filter((g) => /:\d+-\d+$/.test(g));
  const specs = globs
    .filter((g) => !ranges.includes(g))
    .map((g) => (g.startsWith("!") ? `:(exclude,glob)${g.slice(1)}` : `:(glob)${g}`));
  const listed =
    specs.length === 0 ? "" : execFileSync("git", ["ls-files", "--", ...specs], { encoding: "utf8" });
  return [...listed.split("\n").filter(Boolean), ...ranges];
}

/** Runs Stryker on one file; resolves with whether it ended by itself, with a report, before `deadline`. */
function stryker(name: string, file: string, tests: readonly string[], report: string, deadline: number) {
  const child = spawn("npx", ["stryker", "run", "stryker.config.mjs", "--mutate", file], {
    stdio: "inherit",
    detached: true,
    env: { ...process.env, MUTATION_MODULE: name, MUTATION_TESTS: tests.join(","), MUTATION_REPORT: report },
  });
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      console.error(`${name}: budget reached during ${file}, stopped`);
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }, deadline - Date.now());
    child.on("exit", (status, signal) => {
      clearTimeout(timer);
      resolve(signal === null && status === 0 && existsSync(report));
    });
  });
}

const scores: ModuleScore[] = [];
for (const name of names) {
  const module = MUTATION_MODULES[name];
  if (!module) continue;
  const files = filesOf(values.mutate ? values.mutate.split(",") : module.mutate);
  const tests = values.tests ? values.tests.split(",") : module.tests;
  const started = Date.now();
  const deadline = started + (values.budget ? Number(values.budget) : module.budgetMinutes) * 60_000;
  rmSync(join(OUT, name), { recursive: true, force: true });
  mkdirSync(join(OUT, name), { recursive: true });
  const reports: StrykerReport[] = [];
  const notDone: string[] = [];
  for (const file of files) {
    const report = join(OUT, name, `${file.replaceAll(/[/:]/g, "_")}.json`);
    if (Date.now() >= deadline || !(await stryker(name, file, tests, report, deadline))) {
      notDone.push(file);
      continue;
    }
    reports.push(JSON.parse(readFileSync(report, "utf8")) as StrykerReport);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  scores.push({ module: name, seconds, notDone, ...mergeReports(reports) });
}
const table = formatScores(scores);
writeFileSync(join(OUT, `summary-${names.join("+")}.md`), `${table}\n`);
console.log(`\n${table}`);
process.exit(scores.some((s) => s.notDone.length > 0) ? 1 : 0);
