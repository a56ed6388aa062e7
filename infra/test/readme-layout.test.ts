// infra/README.md's "What lives here" table names every file of infra/ and only files that exist, so a new
// construct cannot go undocumented and a renamed one cannot leave a stale row.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const INFRA = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", INFRA), "utf8");

/** The names in backticks in the first column of the table under `## What lives here`. */
function layoutRows(text: string): string[] {
  const section = text.split("## What lives here")[1]?.split("\n## ")[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ""));
}

describe("infra/README.md's layout table", () => {
  const rows = layoutRows(readme);

  it("has a row for every infra/*.ts", () => {
    const files = readdirSync(INFRA).filter((name) => name.endsWith(".ts"));

    expect(files.filter((file) => !rows.includes(file))).toEqual([]);
  });

  it("names only files and folders that exist", () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((row) => !existsSync(new URL(row, INFRA)))).toEqual([]);
  });
});
