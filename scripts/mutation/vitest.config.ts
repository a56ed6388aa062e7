import { defineConfig } from "vitest/config";

// The Vitest configuration StrykerJS runs (stryker.config.mjs): only the tests of the module under mutation,
// named by scripts/mutation/run.ts in MUTATION_TESTS (comma-separated globs), in one plain project (the runner
// drives Vitest itself; the suite's two groups and its skipped-tools report mean nothing here).
const tests = (process.env.MUTATION_TESTS ?? "").split(",").filter(Boolean);
if (tests.length === 0)
  throw new Error("MUTATION_TESTS is empty: run mutation testing through npm run test:mutation");

export default defineConfig({
  test: {
    include: tests,
    exclude: ["node_modules/**", "dist/**", "cdktf.out/**", ".cache/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
