// StrykerJS over the modules that guard data (`npm run test:mutation`; scripts/mutation/run.ts names the modules,
// their files to mutate and their tests). Concurrency 1: the machines have 2 cores and the tests open sockets.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "scripts/mutation/vitest.config.ts", related: false },
  // Each mutant runs only the tests that reach it. Vitest 4.1 broke this in earlier runners (stryker-js issue 5928);
  // checked with 9.6.1 on events/record-codec.ts: the same survivors as with "off", in 2 min 45 s instead of 3 min 37 s.
  coverageAnalysis: "perTest",
  concurrency: 1,
  // A mutant that makes a test loop or wait: killed as a timeout after 3x the unmutated run time plus this.
  timeoutMS: 10_000,
  disableTypeChecks: true,
  // Mutants in module-level code (constants, a decoder built at load) survive here whatever the tests do: the runner
  // does not load the module again for them. Left out, rather than counted as false survivors.
  ignoreStatic: true,
  // Stryker rewrites the tsconfig's paths for its sandbox through TypeScript's JS API, which TypeScript 7 (tsgo) no
  // longer has; ours has no extends or references to rewrite, and Vitest does not read it: point it at no file.
  tsconfigFile: "scripts/mutation/no-tsconfig.json",
  // One sandbox folder per module, so two modules can run side by side.
  tempDirName: `.cache/stryker-tmp/${process.env.MUTATION_MODULE ?? "run"}`,
  cleanTempDir: "always",
  ignorePatterns: ["dist", "cdktf.out", ".cache", "coverage", "bench/results", "*.tfstate*"],
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: process.env.MUTATION_REPORT ?? ".cache/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, allowEmojis: false },
};
