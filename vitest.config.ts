import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", "cdktf.out/**", ".cache/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulator-backed tests open real sockets; two workers match the 2-core machines.
    maxWorkers: 2,
    // Lists, after the summary, the tests skipped for a missing system program and how to enable each.
    globalSetup: ["test-support/skipped-tools-report.ts"],
  },
});
