import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:container` only: the image build and run (root, buildah, debootstrap; minutes when cold).
// The harness's own unit tests are ordinary `*.test.ts` files and run in `npm test`.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["container/test/**/*.container-test.ts"],
    testTimeout: 60_000,
    hookTimeout: 20 * 60_000,
    fileParallelism: false,
    // Names any missing program (buildah, debootstrap, root) and how to get it, before anything is built.
    globalSetup: ["container/test/require-tools.ts"],
  },
});
