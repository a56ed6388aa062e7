import { build } from "esbuild";

/** The bench's child processes, by name, and their TypeScript entry points. */
export const CHILD_ENTRIES = {
  "kinesis-sink": "bench/sink/sink-process.ts",
  producer: "bench/producer/producer-process.ts",
  "dynamodb-endpoint": "bench/processor/dynamodb-process.ts",
  processor: "bench/processor/processor-process.ts",
} as const;
export type ChildName = keyof typeof CHILD_ENTRIES;

/** Where the built children go: under dist/ (ignored by git), so their packages resolve from node_modules. */
export const CHILD_BUILD_DIR = "dist/bench";

/**
 * Compiles each child to one plain ES module, as `npm run build` compiles the service: the children then run
 * on plain `node`, without a TypeScript loader adding its own memory (peak RSS is a target) and start-up
 * time. Packages stay external, loaded from node_modules as the service loads them; names stay unminified so
 * CPU profiles read well.
 */
export async function buildChildren(): Promise<Record<ChildName, string>> {
  await build({
    entryPoints: Object.entries(CHILD_ENTRIES).map(([out, entry]) => ({ in: entry, out })),
    outdir: CHILD_BUILD_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
  });
  const out = {} as Record<ChildName, string>;
  for (const name of Object.keys(CHILD_ENTRIES) as ChildName[]) out[name] = `${CHILD_BUILD_DIR}/${name}.mjs`;
  return out;
}
