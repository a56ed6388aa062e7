// `npm run test:mutation [-- MODULE... [--mutate GLOB,...] [--tests GLOB,...] [--budget MINUTES]]`: StrykerJS over the modules that guard data
// (scripts/mutation/modules.ts), one module at a time, each bounded by its time budget. Prints per module the
// mutation score and its time, and every surviving mutant (file:line, mutator, replacement) to triage: a mutant
// that matters gets a test. Reports: .cache/mutation/<module>.json. Outside `npm test`: it takes tens of minutes.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MUTATION_MODULES } from "./modules.js";
import { formatScores, type ModuleScore, type StrykerReport, scoreReport } from "./score.js";

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

/** Runs Stryker for one module; resolves with whether it ended by itself within the budget. */
function stryker(name: string, mutate: readonly string[], tests: readonly string[], budgetMs: number) {
  const args = ["stryker", "run", "stryker.config.mjs", "--mutate", mutate.join(",")];
  const child = spawn("npx", args, {
    stdio: "inherit",
    detached: true,
    env: {
      ...process.env,
      MUTATION_MODULE: name,
      MUTATION_TESTS: tests.join(","),
      MUTATION_REPORT: join(OUT, `${name}.json`),
    },
  });
  return new Promise<{ finished: boolean; status: number | null }>((resolve) => {
    const timer = setTimeout(() => {
      console.error(`${name}: over its budget of ${budgetMs / 60_000} minutes, stopped`);
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }, budgetMs);
    child.on("exit", (status, signal) => {
      clearTimeout(timer);
      resolve({ finished: signal === null, status });
    });
  });
}

mkdirSync(OUT, { recursive: true });
const scores: ModuleScore[] = [];
for (const name of names) {
  const module = MUTATION_MODULES[name];
  if (!module) continue;
  const mutate = values.mutate ? values.mutate.split(",") : module.mutate;
  const tests = values.tests ? values.tests.split(",") : module.tests;
  const budgetMinutes = values.budget ? Number(values.budget) : module.budgetMinutes;
  const report = join(OUT, `${name}.json`);
  rmSync(report, { force: true });
  const started = Date.now();
  const { finished, status } = await stryker(name, mutate, tests, budgetMinutes * 60_000);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!finished || status !== 0 || !existsSync(report)) {
    scores.push({ module: name, seconds, incomplete: true, survivors: [] });
    continue;
  }
  scores.push({
    module: name,
    seconds,
    incomplete: false,
    ...scoreReport(JSON.parse(readFileSync(report, "utf8")) as StrykerReport),
  });
}
const table = formatScores(scores);
writeFileSync(join(OUT, `summary-${names.join("+")}.md`), `${table}\n`);
console.log(`\n${table}`);
process.exit(scores.some((s) => s.incomplete) ? 1 : 0);
