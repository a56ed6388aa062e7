import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@babel/parser";

/** Folders that hold no source of ours: installed, built, generated or cached. */
const NOT_SOURCE = new Set(["node_modules", "dist", "cdktf.out", ".gen", "coverage"]);

/** Every `.ts` file below `dir` (relative to `root`, `/`-separated), skipping NOT_SOURCE and dot folders. */
export function sourceFiles(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!NOT_SOURCE.has(entry.name) && !entry.name.startsWith(".")) found.push(...sourceFiles(root, path));
    } else if (/\.m?ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

export interface ImportSite {
  specifier: string;
  line: number;
  /** `import type …`, or every name imported is `type`: erased before the code runs. */
  typeOnly: boolean;
}

type Node = { type: string; loc?: { start: { line: number } } | null; [key: string]: unknown };

// TypeScript 7 (tsgo) has no JavaScript API to ask for a file's imports; Babel's parser reads TypeScript.
/** Every module a file names: static imports and re-exports, `import()` and `import("…").Type`. */
export function importsOf(code: string): ImportSite[] {
  const ast = parse(code, { sourceType: "module", plugins: ["typescript"] });
  const sites: ImportSite[] = [];
  const add = (source: unknown, node: Node, typeOnly: boolean) => {
    const value = (source as { value?: unknown } | null)?.value;
    if (typeof value === "string")
      sites.push({ specifier: value, line: node.loc?.start.line ?? 0, typeOnly });
  };
  for (const statement of ast.program.body as unknown as Node[]) {
    if (
      statement.type === "ImportDeclaration" ||
      statement.type === "ExportNamedDeclaration" ||
      statement.type === "ExportAllDeclaration"
    ) {
      add(statement.source, statement, isTypeOnly(statement));
    }
  }
  // Dynamic imports can stand anywhere: walk the tree only in files that have one.
  if (/\bimport\s*\(/.test(code)) walk(ast.program as unknown as Node, sites, add);
  return sites;
}

function isTypeOnly(statement: Node): boolean {
  const kind = statement.importKind ?? statement.exportKind;
  if (kind === "type") return true;
  const specifiers = (statement.specifiers ?? []) as Node[];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
}

function walk(
  node: Node,
  sites: ImportSite[],
  add: (source: unknown, node: Node, typeOnly: boolean) => void,
) {
  if (node.type === "CallExpression" && (node.callee as Node).type === "Import") {
    add((node.arguments as Node[])[0], node, false);
  } else if (node.type === "ImportExpression") add(node.source, node, false);
  else if (node.type === "TSImportType") add(node.argument, node, true);
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "extra" || value === null || typeof value !== "object") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof (child as Node).type === "string") walk(child as Node, sites, add);
    }
  }
}
