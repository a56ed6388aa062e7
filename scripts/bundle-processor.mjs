// Bundles the Lambda handler into one minified ESM file for the nodejs24.x runtime.
import { build } from "esbuild";

await build({
  entryPoints: ["processor/handler.ts"],
  outfile: "dist/lambda/processor/index.mjs",
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: "node",
  target: "node24",
  format: "esm",
  // The Lambda runtime ships no SDK we want to depend on: bundling our pinned SDK keeps behaviour reproducible.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  metafile: true,
  logLevel: "warning",
});
