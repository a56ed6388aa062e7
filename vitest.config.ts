import { defineConfig } from "vitest/config";

// Three projects, one script each (package.json); .ci/run runs all three.
// - suite (`npm test`): everything else, on two workers; CI fails it when it takes longer than README.md's budget.
// - terraform (`npm run test:terraform`): Terraform itself on what we synthesize (init, validate, an offline plan of
//   the JSON and the HCL) and the deploy/destroy drivers: a minute or more per file where terraform is installed.
// - load (`npm run test:load`): tests whose assertions measure the producer under load (1,000 posts/s for a minute,
//   peak RSS, zero duplicates when no request times out, reading paused while the sink is full), one file at a
//   time, so what they measure is the producer and not other tests sharing the two cores.
const TERRAFORM = ["infra/test/terraform-plan.test.ts", "scripts/test/terraform-drivers.test.ts"];
const LOAD = [
  "producer-service/test/faults/*.fault.test.ts",
  // Kills the producer at random moments under a steady stream of posts for minutes (151 s on a loaded machine).
  "producer-service/test/faults/restart-gap.test.ts",
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
          exclude: [...NEVER, ...TERRAFORM, ...LOAD],
          // Emulator-backed tests open real sockets; two workers match the 2-core machines.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "terraform",
          include: TERRAFORM,
          exclude: NEVER,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // A plain `vitest run` (all projects) still runs these last, after the others have finished.
        test: {
          name: "load",
          include: LOAD,
          exclude: NEVER,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
