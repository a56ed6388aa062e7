// CPU per record as instructions, which a loaded machine does not move (process.cpuUsage does, by a third on the
// shared 2-core machine): the processor bundle and the original's logic, each run twice under valgrind's
// callgrind (user-space instructions; the kernel's share of sockets is not counted), once handling `warm`
// batches and once `warm + measure`: the difference over the measured records is their instructions per record,
// with start-up, loading and JIT warm-up taken out. Slow (about a minute per run); needs valgrind.
// Usage: npx tsx bench/processor/instruction-count.ts [--warm 30] [--measure 10] [--batch 100] [--bundle path]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { prepareInput } from "../input/prepare-input.js";
import { buildChildren } from "../lib/build-children.js";
import { spawnBenchChild } from "../lib/child.js";
import { BENCH_TABLE } from "./bench-table.js";
import { plainBatch, readTweets } from "./lambda-batches.js";
import { buildOriginal } from "./processor-bench.js";

const { values: args } = parseArgs({
  options: {
    warm: { type: "string", default: "30" },
    measure: { type: "string", default: "10" },
    batch: { type: "string", default: "100" },
    bundle: { type: "string" },
  },
});
const [warm, measured, batchSize] = [Number(args.warm), Number(args.measure), Number(args.batch)];
const DISTINCT = 2000;
const workDir = mkdtempSync(join(tmpdir(), "tweetstream-instructions-"));
try {
  const tweets = readTweets(prepareInput(workDir, DISTINCT).tweetsFile);
  const events = Array.from({ length: Math.ceil(DISTINCT / batchSize) }, (_, i) =>
    plainBatch(tweets, i * batchSize, batchSize),
  );
  const eventsFile = join(workDir, "events.json");
  writeFileSync(eventsFile, JSON.stringify(events));
  const processorBundle = args.bundle ?? join(workDir, "bundle", "index.mjs");
  if (args.bundle === undefined) {
    execFileSync(process.execPath, ["scripts/bundle-processor.mjs", join(workDir, "bundle")], {
      stdio: "ignore",
    });
  }
  const bundles = { processor: processorBundle, "original logic": buildOriginal(workDir) };
  const children = await buildChildren();
  const endpoint = await spawnBenchChild(children["dynamodb-endpoint"], { env: { BENCH_DYNAMODB: "sink" } });
  try {
    const { endpoint: url } = await endpoint.ask<{ endpoint: string }>({ type: "endpoint" });
    const env = {
      ...process.env,
      TABLE_NAME: BENCH_TABLE.tableName,
      DLQ_URL: "http://127.0.0.1:9/000000000000/bench-dlq",
      AWS_ENDPOINT_URL_DYNAMODB: url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      LOG_LEVEL: "warn",
    };
    const child = fileURLToPath(new URL("./instruction-count-child.mjs", import.meta.url));
    const instructions = (bundle: string, batches: number): number => {
      const run = spawnSync(
        "valgrind",
        [
          "--tool=callgrind",
          "--callgrind-out-file=/dev/null",
          process.execPath,
          child,
          bundle,
          eventsFile,
        ].concat([String(warm), String(batches)]),
        { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
      const collected = /Collected : (\d+)/.exec(run.stderr);
      if (run.status !== 0 || collected === null)
        throw new Error(`valgrind run failed: ${run.stderr.slice(-2000)}`);
      return Number(collected[1]);
    };
    console.log(
      `instructions per record (plain batches of ${batchSize}; ${warm} batches of warm-up, ${measured} measured):`,
    );
    for (const [name, bundle] of Object.entries(bundles)) {
      const perRecord = (instructions(bundle, measured) - instructions(bundle, 0)) / (measured * batchSize);
      console.log(`  ${name}: ${Math.round(perRecord).toLocaleString("en-US")}`);
    }
  } finally {
    await endpoint.stop();
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
