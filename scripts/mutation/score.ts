// The mutation score of one Stryker JSON report (mutation-testing-report-schema), as Stryker counts it:
// detected (killed + timeout) over valid mutants (detected + survived + no coverage). Compile and runtime
// errors and ignored mutants are not valid mutants.

export interface StrykerReport {
  files: Record<
    string,
    {
      mutants: Array<{
        mutatorName: string;
        replacement?: string;
        status: string;
        location: { start: { line: number } };
      }>;
    }
  >;
}

export interface ModuleScore {
  module: string;
  seconds: number;
  /** Files not mutated to the end: the budget ran out, or Stryker failed on them. */
  notDone: string[];
  mutants?: number;
  killed?: number;
  timedOut?: number;
  survived?: number;
  noCoverage?: number;
  /** Percent, one decimal. */
  score?: number;
  /** "file:line mutator -> replacement" of each survived or uncovered mutant. */
  survivors: string[];
}

/** The score over every file of several reports (one per file mutated). */
export function mergeReports(
  reports: readonly StrykerReport[],
): Omit<ModuleScore, "module" | "seconds" | "notDone"> {
  const count: Record<string, number> = {};
  const survivors: string[] = [];
  for (const [file, { mutants }] of reports.flatMap((report) => Object.entries(report.files))) {
    for (const mutant of mutants) {
      count[mutant.status] = (count[mutant.status] ?? 0) + 1;
      if (mutant.status === "Survived" || mutant.status === "NoCoverage") {
        const replacement = (mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 80);
        survivors.push(`${file}:${mutant.location.start.line} ${mutant.mutatorName} -> ${replacement}`);
      }
    }
  }
  const killed = count.Killed ?? 0;
  const timedOut = count.Timeout ?? 0;
  const survived = count.Survived ?? 0;
  const noCoverage = count.NoCoverage ?? 0;
  const valid = killed + timedOut + survived + noCoverage;
  const score = valid === 0 ? 0 : Math.round(((killed + timedOut) / valid) * 1000) / 10;
  return { mutants: valid, killed, timedOut, survived, noCoverage, score, survivors };
}

export function formatScores(scores: readonly ModuleScore[]): string {
  const lines = [
    "| module | mutants | killed | timeout | survived | no coverage | score | time |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const s of scores) {
    const time = `${Math.floor(s.seconds / 60)} min ${s.seconds % 60} s`;
    const stopped = s.notDone.length > 0 ? ` (not done: ${s.notDone.join(", ")})` : "";
    lines.push(
      `| ${s.module}${stopped} | ${s.mutants} | ${s.killed} | ${s.timedOut} | ${s.survived} | ${s.noCoverage} | ${s.score}% | ${time} |`,
    );
  }
  for (const s of scores) {
    if (s.survivors.length > 0)
      lines.push("", `${s.module}: survived`, ...s.survivors.map((line) => `- ${line}`));
  }
  return lines.join("\n");
}
