// The modules that guard data against loss or corruption, as StrykerJS mutates them (`npm run test:mutation`):
// which sources to mutate and which tests may kill the mutants. Globs, so files moved inside a folder stay
// covered; a `!` glob leaves out what only wires or logs. Tests that need a system program (Java, Terraform)
// or measure load are left out: each mutant runs those of the listed tests that reach it, on one core.
export interface MutationModule {
  readonly mutate: readonly string[];
  readonly tests: readonly string[];
  /** Wall-time bound of the module's whole run on a quiet 2-core machine; the run stops there, marked incomplete. */
  readonly budgetMinutes: number;
}

export const MUTATION_MODULES: Readonly<Record<string, MutationModule>> = {
  // The stream's contract: encoding, decoding, the KPL aggregate format.
  events: {
    mutate: [
      "events/*.ts",
      "!events/index.ts",
      "!events/backoff.ts",
      "!events/concurrency.ts",
      "!events/sdk-errors.ts",
    ],
    tests: ["events/test/*.test.ts"],
    budgetMinutes: 30,
  },
  // The processor's core: batch planning, writes, dead letters, deadlines (the handler only wires them).
  processor: {
    mutate: [
      "processor/*.ts",
      "!processor/handler.ts",
      "!processor/config.ts",
      "!processor/logger.ts",
      "!processor/metrics.ts",
      "!processor/ports.ts",
      "!processor/attribute-types.ts",
    ],
    tests: [
      "processor/test/process-batch*.test.ts",
      "processor/test/write-phases*.test.ts",
      "processor/test/rejected-letters.test.ts",
      "processor/test/dead-letter.test.ts",
      "processor/test/deadline.test.ts",
      "processor/test/dynamodb-writer.test.ts",
      "processor/test/tweet-item*.test.ts",
      "processor/test/retention.test.ts",
    ],
    budgetMinutes: 40,
  },
  // The producer's batching and settlement: what goes into PutRecords, what is retried, what is acknowledged.
  "producer-batching": {
    mutate: [
      "producer-service/kinesis/**/*.ts",
      "!producer-service/kinesis/**/test/**",
      "!producer-service/kinesis/client.ts",
    ],
    tests: ["producer-service/kinesis/**/*.test.ts", "producer-service/test/kinesis-writer.*.test.ts"],
    budgetMinutes: 40,
  },
  // The producer's durable spool on disk.
  spool: {
    mutate: [
      "producer-service/spool/*.ts",
      "!producer-service/spool/index.ts",
      "!producer-service/spool/options.ts",
    ],
    tests: ["producer-service/spool/test/*.test.ts"],
    budgetMinutes: 30,
  },
  // The producer's recovery of posts missed while disconnected (recent search after a reconnect).
  recovery: {
    mutate: ["producer-service/x-stream/recovery/*.ts"],
    // ingest-recovery.test.ts (43 s a run on a loaded machine) is left out: the budget would cover a few mutants.
    tests: [
      "producer-service/x-stream/test/recovery-plan.test.ts",
      "producer-service/x-stream/test/post-intake.test.ts",
      "producer-service/x-stream/test/search-recovery.test.ts",
    ],
    budgetMinutes: 20,
  },
  // The compliance sweeper's apply step and its state (checkpoint, batch writes of deletes and scrubs).
  compliance: {
    mutate: [
      "compliance/apply-results.ts",
      "compliance/batch-writes.ts",
      "compliance/checkpoint.ts",
      "compliance/dynamodb-state.ts",
      "compliance/results.ts",
    ],
    tests: [
      // sweep-faults.test.ts (41 s a run) is left out for the same reason.
      "compliance/test/sweep.test.ts",
      "compliance/test/sweep-review.test.ts",
      "compliance/test/sweep-slices.test.ts",
      "compliance/test/dynamodb-state.test.ts",
      "compliance/test/sweeper-retries.test.ts",
    ],
    budgetMinutes: 40,
  },
};
