import { defineConfig } from "vitest/config";

// Tests whose assertions measure the producer under load (1,000 tweets/s for a minute, peak RSS, zero duplicates
// when no request times out, a 20,000-post backpressure run): they run after everything else, one file at a
// time, so what they measure is the producer and not the rest of the suite sharing the two cores.
const ALONE = [
  "producer-service/test/faults/*.fault.test.ts",
  "producer-service/x-stream/test/ingest-flow.test.ts",
];
const NEVER = ["node_modules/**", "dist/**", "cdktf.out/**", ".cache/**"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Lists, after the summary, the tests skipped for a missing system program and how to enable each.
    globalSetup: ["test-support/skipped-tools-report.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["**/*.test.ts"],
          exclude: [...NEVER, ...ALONE],
          // Emulator-backed tests open real sockets; two workers match the 2-core machines.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "alone",
          include: ALONE,
          exclude: NEVER,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
