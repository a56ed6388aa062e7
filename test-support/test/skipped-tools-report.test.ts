import { describe, expect, it } from "vitest";
import { skippedToolsReport } from "../skipped-tools-report.js";

describe("the end-of-run list of tests skipped for a missing program", () => {
  it("groups them by program, with the command that enables each", () => {
    const lines = skippedToolsReport([
      {
        file: "b.test.ts",
        title: "scrape",
        missing: [{ name: "prometheus", enable: "apt-get install prometheus" }],
      },
      {
        file: "a.test.ts",
        title: "plan",
        missing: [
          { name: "terraform", enable: "install terraform" },
          { name: "prometheus", enable: "apt-get install prometheus" },
        ],
      },
    ]);

    expect(lines).toEqual([
      "",
      "Skipped because a system program is missing (under CI=true these fail instead):",
      "  prometheus: enable with `apt-get install prometheus`",
      "    - a.test.ts: plan",
      "    - b.test.ts: scrape",
      "  terraform: enable with `install terraform`",
      "    - a.test.ts: plan",
    ]);
  });

  it("says nothing when everything ran", () => {
    expect(skippedToolsReport([])).toEqual([]);
  });
});
