import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ChildName } from "./lib/build-children.js";
import { measure, startEndpoint, startProcessor } from "./processor/processor-bench.js";
import { runOnce, startKinesisSink } from "./producer/producer-bench.js";
import { type HotSpot, summarizeProfile } from "./report/cpu-profile.js";

export interface ProfileOptions {
  children: Record<ChildName, string>;
  wireFile: string;
  tweetsFile: string;
  bundle: string;
  bundleBytes: number;
  workDir: string;
  pin: boolean;
  /** Where the .cpuprofile files are kept (open them in Chrome DevTools or speedscope). */
  profileDir: string;
  log: (line: string) => void;
  /** `--only processor`: profile the processor alone. */
  only?: string;
}

/**
 * `npm run bench -- --profile`: one batched producer run at full speed (0 ms) and one processor measurement
 * (plain, batches of 10,000) under `node --cpu-prof`, then the top self-time functions and packages of each.
 */
export async function profile(options: ProfileOptions): Promise<string> {
  const producerDir = join(options.profileDir, "producer-batched");
  const processorDir = join(options.profileDir, "processor");
  mkdirSync(producerDir, { recursive: true });
  mkdirSync(processorDir, { recursive: true });

  if (options.only !== "processor") await profileProducer(options, producerDir);
  await profileProcessor(options, processorDir);
  // The profiles are written as the processes exit.
  return [
    ...(options.only === "processor" ? [] : [report("Producer, batched, 0 ms", producerDir)]),
    report("Processor, plain batches of 10,000", processorDir),
  ].join("\n\n");
}

async function profileProducer(options: ProfileOptions, producerDir: string): Promise<void> {
  const { sink, endpoint } = await startKinesisSink(options);
  try {
    const run = await runOnce(sink, endpoint, { variant: "batched", delay: 0 }, "full-speed", {
      ...options,
      rounds: 1,
      latencyRounds: 0,
      fullSpeedTweets: 100_000,
      fullSpeedMaxMs: 5000,
      pacedMs: 0,
      nodeArgs: ["--cpu-prof", "--cpu-prof-dir", producerDir],
    });
    options.log(
      `  profiled batched@0ms: ${Math.round(run.counters.userRecords / (run.result.elapsedMs / 1000))} tweets/s`,
    );
  } finally {
    await sink.stop();
  }
}

async function profileProcessor(options: ProfileOptions, processorDir: string): Promise<void> {
  const dynamodb = await startEndpoint("sink", {
    ...options,
    rounds: 1,
    coldStarts: 0,
    dynaliteReference: false,
  });
  try {
    const processor = await startProcessor(dynamodb.endpoint, {
      ...options,
      rounds: 1,
      coldStarts: 0,
      dynaliteReference: false,
      nodeArgs: ["--cpu-prof", "--cpu-prof-dir", processorDir],
    });
    try {
      const config = { format: "plain", batchTweets: 10_000 } as const;
      for (let warm = 0; warm < 3; warm++) await measure(processor, dynamodb.child, config, 1);
      const m = await measure(processor, dynamodb.child, config, 3);
      options.log(`  profiled processor plain@10000: ${Math.round(m.metrics.recordsPerSecond)} records/s`);
    } finally {
      await processor.stop();
    }
  } finally {
    await dynamodb.child.stop();
  }
}

function report(title: string, dir: string): string {
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (file === undefined) return `## ${title}\n\n(no profile written)`;
  const { functions, packages } = summarizeProfile(join(dir, file));
  const rows = (spots: HotSpot[]) =>
    spots.map((s) => `| ${s.selfPercent.toFixed(1)}% | \`${s.where}\` |`).join("\n");
  return (
    `## ${title} (${join(dir, file)})\n\n| self | function |\n| --- | --- |\n${rows(functions)}\n\n` +
    `| self | package / file |\n| --- | --- |\n${rows(packages)}`
  );
}
