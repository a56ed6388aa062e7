import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DEPLOYABLES,
  ENTRY_POINTS,
  IMPORT_RULES,
  type ImportRule,
  importRuleSentence,
} from "../import-rules.js";
import { type ImportSite, importsOf, sourceFiles } from "./import-scan.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dependencies = new Set(
  Object.keys(
    (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: object })
      .dependencies ?? {},
  ),
);

/**
 * Imports that break the table today, each with its reason: a file under `from` may import `to` until it is
 * fixed. The test fails on any other break, and on an entry no file uses any more (then delete it), so the
 * list only shrinks.
 */
const KNOWN_VIOLATIONS: readonly { from: string; to: string; why: string }[] = [];

/** Top folders holding source: every one needs a row. */
const topFolders = readdirSync(ROOT, { withFileTypes: true })
  .filter(
    (e) =>
      e.isDirectory() && !e.name.startsWith(".") && !["node_modules", "dist", "cdktf.out"].includes(e.name),
  )
  .map((e) => e.name)
  .filter((name) => sourceFiles(ROOT, name).length > 0)
  .sort();

const isTest = (file: string) => /(^|\/)test\//.test(file) || file.endsWith(".test.ts");
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** What one file's imports break of its folder's rule, as `file imports target` lines. */
function violations(file: string, sites: readonly ImportSite[], rules = IMPORT_RULES): string[] {
  const folder = file.split("/")[0] as string;
  const rule = rules[folder] as ImportRule;
  const test = isTest(file);
  const folders = new Set([folder, ...rule.imports, ...(test ? rule.testsImport : [])]);
  const found: string[] = [];
  for (const site of sites) {
    const { specifier } = site;
    if (specifier.startsWith(".")) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const targetFolder = target.includes("/") ? target.split("/")[0] : ".";
      if (!folders.has(targetFolder as string))
        found.push(`${file} imports ${target.replace(/\.js$/, ".ts")}`);
      for (const [inner, entries] of Object.entries(ENTRY_POINTS)) {
        const entry = target.replace(/\.js$/, ".ts").slice(inner.length + 1);
        if (target.startsWith(`${inner}/`) && !file.startsWith(`${inner}/`) && !entries.includes(entry)) {
          found.push(`${file} imports ${inner}/${entry}, not an entry point`);
        }
      }
    } else if (!isBuiltin(specifier) && !test && rule.packages !== undefined) {
      const name = packageOf(specifier);
      const allowed =
        rule.packages === "dependencies"
          ? dependencies.has(name) || site.typeOnly
          : rule.packages.includes(name);
      if (!allowed) found.push(`${file} imports package ${name}`);
    }
  }
  return found;
}

describe("import boundaries (test-support/import-rules.ts)", () => {
  it("has one row for every top folder holding source, and none for a folder that is gone", () => {
    expect(Object.keys(IMPORT_RULES).sort()).toEqual(topFolders);
  });

  it("lists every top folder in the root README's Layout", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(topFolders.filter((folder) => !readme.includes(`| \`${folder}/\``))).toEqual([]);
  });

  it("type-checks every top folder holding source (tsconfig.json's include)", () => {
    const { include } = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as {
      include: string[];
    };
    expect(topFolders.filter((folder) => !include.includes(folder))).toEqual([]);
  });

  it("keeps the deployables apart: none may import another, not even in tests", () => {
    for (const deployable of DEPLOYABLES) {
      const rule = IMPORT_RULES[deployable] as ImportRule;
      const others = DEPLOYABLES.filter((d) => d !== deployable);
      expect([...rule.imports, ...rule.testsImport].filter((f) => others.includes(f as never))).toEqual([]);
    }
  });

  it("each top folder's README states its row", () => {
    // Line breaks are the README's own: compare with white space folded.
    const fold = (text: string) => text.replace(/\s+/g, " ");
    const missing = topFolders.filter((folder) => {
      const readme = join(ROOT, folder, "README.md");
      return !existsSync(readme) || !fold(readFileSync(readme, "utf8")).includes(importRuleSentence(folder));
    });
    expect(missing.map((f) => `${f}/README.md lacks: ${importRuleSentence(f)}`)).toEqual([]);
  });

  it("every .ts file imports only what its folder's row allows", () => {
    const found = topFolders.flatMap((folder) =>
      sourceFiles(ROOT, folder).flatMap((file) =>
        violations(file, importsOf(readFileSync(join(ROOT, file), "utf8"))),
      ),
    );
    const known = (line: string, k: (typeof KNOWN_VIOLATIONS)[number]) =>
      line.startsWith(k.from) && line.endsWith(` imports ${k.to}`);
    expect(found.filter((line) => !KNOWN_VIOLATIONS.some((k) => known(line, k)))).toEqual([]);
    expect(KNOWN_VIOLATIONS.filter((k) => !found.some((line) => known(line, k)))).toEqual([]);
  });

  it("catches a deployable importing another, a test reaching past its row, and an undeclared package", () => {
    const sites = (...specifiers: string[]) =>
      importsOf(specifiers.map((s, i) => `import { a${i} } from "${s}";`).join("\n"));
    expect(
      violations(
        "producer-service/kinesis/w.ts",
        sites("../../processor/handler.js", "../../events/index.js"),
      ),
    ).toEqual(["producer-service/kinesis/w.ts imports processor/handler.ts"]);
    expect(
      violations("infra/test/a.test.ts", sites("../../local/x.js", "../../processor/metrics.js")),
    ).toEqual(["infra/test/a.test.ts imports local/x.ts"]);
    expect(violations("bench/input/x.ts", sites("../../local/x-emulator/posts/generator.js"))).toEqual([
      "bench/input/x.ts imports local/x-emulator/posts/generator.ts, not an entry point",
    ]);
    expect(violations("producer-service/app.ts", sites("vitest", "zod", "node:fs"))).toEqual([
      "producer-service/app.ts imports package vitest",
    ]);
    expect(importsOf('import type { A } from "a";\nimport { type B } from "b";\nexport * from "c";')).toEqual(
      [
        { specifier: "a", line: 1, typeOnly: true },
        { specifier: "b", line: 2, typeOnly: true },
        { specifier: "c", line: 3, typeOnly: false },
      ],
    );
    expect(importsOf('const m = await import("./lazy.js");\ntype T = import("./types.js").T;')).toEqual([
      { specifier: "./lazy.js", line: 1, typeOnly: false },
      { specifier: "./types.js", line: 2, typeOnly: true },
    ]);
  });
});
