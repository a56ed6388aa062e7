import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type PreparedInput, prepareInput } from "./input/prepare-input.js";
import { buildChildren, CHILD_BUILD_DIR, type ChildName } from "./lib/build-children.js";
import { canPin } from "./lib/child.js";
import { benchProcessor } from "./processor/processor-bench.js";
import { benchProducer } from "./producer/producer-bench.js";
import { profile } from "./profile.js";
import type { BenchResults } from "./report/results.js";
import { producerChart } from "./report/svg-chart.js";
import { processorTable, producerTable, targetTable } from "./report/table.js";
import { checkTargets } from "./report/targets.js";

// `npm run bench`: every producer variant and processor batch shape, alternating over several rounds;
// prints the tables and writes bench/results/latest.json and latest.svg. See bench/README.md.
const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string", default: new URL("./results/", import.meta.url).pathname },
  },
});
const quick = args.quick;
const rounds = quick ? 1 : Number(args.rounds);
if (args.only !== undefined && args.only !== "producer" && args.only !== "processor") {
  throw new Error(`--only takes "producer" or "processor", got "${args.only}"`);
}
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);

const started = performance.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const cores = availableParallelism();
const pin = canPin(cores);
const workDir = mkdtempSync(join(tmpdir(), "tweetstream-bench-"));
try {
  log(
    `bench: ${rounds} round(s), ${pin ? "producer/processor pinned to core 0, endpoints to core 1" : "not pinned"}`,
  );
  const input = prepareInput(workDir, 10_000);
  // A profile run keeps its bundle (and source map) next to the profiles, to map frames back to sources;
  // all of it under dist/ (build output, ignored by git), not beside the committed results.
  const profileDir = join(CHILD_BUILD_DIR, "profiles");
  if (args.profile) rmSync(profileDir, { recursive: true, force: true });
  const bundleDir = args.profile ? join(profileDir, "processor-bundle") : join(workDir, "bundle");
  execFileSync(process.execPath, ["scripts/bundle-processor.mjs", bundleDir], { stdio: "ignore" });
  const bundle = join(bundleDir, "index.mjs");
  const children = await buildChildren();
  if (args.profile) {
    const options = {
      children,
      ...input,
      bundle,
      bundleBytes: statSync(bundle).size,
      workDir,
      pin,
      profileDir,
      log,
      ...(args.only === undefined ? {} : { only: args.only }),
    };
    process.stdout.write(`${await profile(options)}\n`);
  } else {
    await bench(input, bundle, children);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

async function bench(
  input: PreparedInput,
  bundle: string,
  children: Record<ChildName, string>,
): Promise<void> {
  if (args.only === "producer") {
    const producer = await benchProducer(producerOptions(input, children));
    process.stdout.write(`\n${producerTable(producer)}\n(--only: no results written)\n`);
    return;
  }
  if (args.only === "processor") {
    const processor = await benchProcessor(processorOptions(input, bundle, children));
    process.stdout.write(`\n${processorTable(processor)}\n(--only: no results written)\n`);
    return;
  }
  log("producer:");
  const producer = await benchProducer(producerOptions(input, children));
  log("processor:");
  const processor = await benchProcessor(processorOptions(input, bundle, children));

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    environment: {
      node: process.version,
      cpu: cpus()[0]?.model ?? "unknown",
      cores,
      pinned: pin,
      commit: gitCommit(),
    },
    method: {
      rounds,
      latencyRounds: quick ? 1 : Math.min(rounds, 3),
      note:
        "Each run is a fresh child process (warm-up pass, then the measured pass); configurations alternate " +
        "within each round in a rotating order; figures are medians over rounds with min–max spread.",
    },
    input: input.stats,
    producer,
    processor,
    targets: checkTargets(producer, processor),
  };
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(args.out, "latest.svg"),
    producerChart(
      producer,
      `Producer tweets/s on one core: median of ${rounds} round(s), ${results.environment.cpu}`,
    ),
  );
  process.stdout.write(
    `\n## Producer\n\n${producerTable(producer)}\n\n## Processor\n\n${processorTable(processor)}\n\n` +
      `## Targets\n\n${targetTable(results.targets)}\n\n` +
      `bench took ${results.durationSeconds} s; results in ${join(args.out, "latest.json")}\n`,
  );
}

function producerOptions(input: PreparedInput, children: Record<ChildName, string>) {
  return {
    rounds,
    latencyRounds: quick ? 1 : Math.min(rounds, 3),
    wireFile: input.wireFile,
    pin,
    fullSpeedTweets: quick ? 15_000 : 30_000,
    fullSpeedMaxMs: 2000,
    pacedMs: 2000,
    children,
    log,
  };
}

function processorOptions(input: PreparedInput, bundle: string, children: Record<ChildName, string>) {
  return {
    rounds,
    coldStarts: quick ? 2 : 2 * rounds,
    bundle,
    bundleBytes: statSync(bundle).size,
    tweetsFile: input.tweetsFile,
    workDir,
    pin,
    dynaliteReference: !quick,
    children,
    log,
  };
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}
