// Bundles the Lambda handler into one minified ESM file for the nodejs24.x runtime.
// Usage: node scripts/bundle-processor.mjs [outdir]   (default dist/lambda/processor)
import { statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const outfile = join(process.argv[2] ?? "dist/lambda/processor", "index.mjs");
// A budget, not a platform limit (Lambda allows 250 MB unzipped): a small bundle cold-starts faster.
const BUDGET_BYTES = 600 * 1024;

await build({
  entryPoints: ["processor/handler.ts"],
  outfile,
  bundle: true,
  minify: true,
  // Stack traces map back to the TypeScript (with NODE_OPTIONS=--enable-source-maps); the sources themselves
  // stay out of the map, which keeps the deployment package small.
  sourcemap: true,
  sourcesContent: false,
  platform: "node",
  target: "node24",
  format: "esm",
  // Prefer the packages' ES module builds (the AWS SDK's dist-es): esbuild tree-shakes those, not CommonJS.
  mainFields: ["module", "main"],
  // The Lambda runtime ships no SDK we want to depend on: bundling our pinned SDK keeps behaviour reproducible.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "warning",
});

const bytes = statSync(outfile).size;
const kib = (bytes / 1024).toFixed(0);
if (bytes > BUDGET_BYTES) {
  console.warn(
    `${outfile}: ${kib} KiB, over the ${BUDGET_BYTES / 1024} KiB budget (check what stopped tree-shaking)`,
  );
} else {
  console.log(`${outfile}: ${kib} KiB`);
}
