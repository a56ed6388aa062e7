// Bundles one of the Lambda handlers into one minified ESM file for the nodejs24.x runtime.
// Usage: node scripts/bundle-lambda.mjs <processor|compliance> [outdir]   (default dist/lambda/<name>)
import { statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

// Budgets, not platform limits (Lambda allows 250 MB unzipped): a small bundle cold-starts faster.
const LAMBDAS = {
  processor: { entry: "processor/handler.ts", budgetBytes: 600 * 1024 },
  compliance: { entry: "compliance/handler.ts", budgetBytes: 600 * 1024 },
};

/** Builds `dist/lambda/<name>/index.mjs` (or `<outdir>/index.mjs`) and returns its size in bytes. */
export async function bundleLambda(name, outdir = join("dist/lambda", name)) {
  const lambda = LAMBDAS[name];
  if (!lambda)
    throw new Error(`unknown Lambda "${name}": expected one of ${Object.keys(LAMBDAS).join(", ")}`);
  const outfile = join(outdir, "index.mjs");
  await bundleEntry(lambda.entry, outfile);
  const bytes = statSync(outfile).size;
  const kib = (bytes / 1024).toFixed(0);
  if (bytes > lambda.budgetBytes) {
    console.warn(
      `${outfile}: ${kib} KiB, over the ${lambda.budgetBytes / 1024} KiB budget (check what stopped tree-shaking)`,
    );
  } else {
    console.log(`${outfile}: ${kib} KiB`);
  }
  return bytes;
}

/** One minified ESM file for Lambda's Node runtime from `entry` (also the bench's build of the original's logic). */
export async function bundleEntry(entry, outfile) {
  await build({
    entryPoints: [entry],
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
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await bundleLambda(process.argv[2] ?? "", process.argv[3]);
}
