// local/README.md's Settings table names every LOCAL_* variable the local pipeline reads, and no other.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pipelineDir = new URL("../", import.meta.url);
const sources = [
  ...readdirSync(pipelineDir)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => readFileSync(new URL(name, pipelineDir), "utf8")),
  readFileSync(new URL("../../start.ts", import.meta.url), "utf8"),
];
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("local/README.md's settings", () => {
  it("lists every LOCAL_* variable the pipeline reads from the environment, and no other", () => {
    // Read as env.NAME, env["NAME"] or a helper's (env, "NAME", ...) argument.
    const read = new Set(
      sources.flatMap((text) =>
        [...text.matchAll(/env(?:\.|\[")(LOCAL_[A-Z_]+)|\(env, "(LOCAL_[A-Z_]+)"/g)].map((m) => m[1] ?? m[2]),
      ),
    );
    const documented = [...readme.matchAll(/^\| `(LOCAL_[A-Z_]+)`/gm)].map((m) => m[1]);

    expect(read.size).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...read].sort());
  });
});
