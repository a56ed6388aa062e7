// infra/README.md's Configuration and outputs tables name exactly what the code reads and declares.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INFRA_VARIABLES } from "../config.js";
import { synthesize } from "./synth.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first-column names (`NAME`) of the markdown table that follows `heading`. */
function tableNames(heading: string): string[] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`infra/README.md has no "${heading}"`);
  const names: string[] = [];
  let inTable = false;
  for (const line of readme.slice(start).split("\n").slice(1)) {
    if (line.startsWith("|")) {
      inTable = true;
      const name = /^\| `([A-Za-z0-9_]+)`/.exec(line)?.[1];
      if (name) names.push(name);
    } else if (inTable) break;
  }
  return names;
}

describe("infra/README.md", () => {
  it("documents every variable the stack reads, and no other", () => {
    expect([...tableNames("### Configuration")].sort()).toEqual([...INFRA_VARIABLES].sort());
  });

  it("explains every output the stack can declare, and no other", () => {
    const declared = new Set([
      ...Object.keys(synthesize({ COMPLIANCE: "on" }).output),
      ...Object.keys(synthesize({ PRODUCER_IDENTITY: "role" }).output),
    ]);

    expect([...tableNames("### What the outputs mean")].sort()).toEqual([...declared].sort());
  });
});
