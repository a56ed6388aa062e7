import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { KINESIS_ENGINES, type KinesisEngine } from "./emulators/kinesis-engine.js";
import { countItems } from "./pipeline/aws-resources.js";
import { loadLocalConfig } from "./pipeline/local-config.js";
import { type LocalPipeline, startLocalPipeline } from "./pipeline/pipeline.js";

/**
 * `npm run measure:engines [rounds]`: the local pipeline on each Kinesis engine, with the stack's mapping
 * settings as `npm start` runs it. Per round, in a fresh process (the processor reads its endpoints once):
 * start-up, one tweet's latency to the table, and how fast a burst of tweets reaches the table. Prints medians.
 */
interface Round {
  startupMs: number;
  firstItemMs: number;
  /** Items of the burst in the table per second, until all are in or BURST_TIMEOUT_MS is over. */
  burstTweetsPerSecond: number;
  /** Whether the whole burst reached the table in time. */
  burstComplete: boolean;
}

const BURST = 1_000;
const BURST_TIMEOUT_MS = 120_000;

/** Waits until the table holds n items or the time is over; returns how many it holds. */
async function waitForCount(pipeline: LocalPipeline, n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await countItems(pipeline.dynamo, pipeline.names.table);
    if (count >= n || Date.now() > deadline) return count;
    await sleep(20);
  }
}

async function oneRound(engine: KinesisEngine): Promise<Round> {
  const config = {
    ...loadLocalConfig({ LOCAL_KINESIS_ENGINE: engine }),
    ports: { producer: 0, kinesis: 0, dynamodb: 0, sqs: 0, x: 0 },
    tweetsPerSecond: 0,
  };
  const started = performance.now();
  const pipeline = await startLocalPipeline(config, { logger: pino({ level: "silent" }) });
  const startupMs = performance.now() - started;
  try {
    const x = pipeline.x;
    if (!x) throw new Error("emulator expected");
    const first = performance.now();
    x.publish(1);
    if ((await waitForCount(pipeline, 1, BURST_TIMEOUT_MS)) < 1) throw new Error("no first item");
    const firstItemMs = performance.now() - first;
    const burst = performance.now();
    x.publish(BURST);
    const reached = (await waitForCount(pipeline, 1 + BURST, BURST_TIMEOUT_MS)) - 1;
    const burstTweetsPerSecond = reached / ((performance.now() - burst) / 1000);
    return { startupMs, firstItemMs, burstTweetsPerSecond, burstComplete: reached >= BURST };
  } finally {
    await pipeline.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function main(): void {
  const rounds = Number(process.argv[2] ?? 3);
  process.stdout.write(
    `engine          start-up   first item   ${BURST} tweets burst (median of ${rounds})\n`,
  );
  for (const engine of KINESIS_ENGINES) {
    const results: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, process.argv[1] ?? "", "--one", engine],
        {
          encoding: "utf8",
          env: { ...process.env, LOG_LEVEL: "silent" },
        },
      );
      if (child.status !== 0) throw new Error(`${engine} round failed: ${child.stderr.slice(-2000)}`);
      results.push(JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as Round);
    }
    const m = (key: "startupMs" | "firstItemMs" | "burstTweetsPerSecond") =>
      median(results.map((r) => r[key]));
    const incomplete = results.filter((r) => !r.burstComplete).length;
    process.stdout.write(
      `${engine.padEnd(14)} ${(m("startupMs") / 1000).toFixed(2).padStart(7)} s ${(m("firstItemMs") / 1000).toFixed(2).padStart(9)} s ${m("burstTweetsPerSecond").toFixed(0).padStart(9)} tweets/s` +
        (incomplete > 0
          ? ` (${incomplete} of ${rounds} bursts not all in after ${BURST_TIMEOUT_MS / 1000} s)`
          : "") +
        "\n",
    );
  }
}

if (process.argv[2] === "--one") {
  const engine = process.argv[3] as KinesisEngine;
  oneRound(engine).then(
    (round) => {
      process.stdout.write(`${JSON.stringify(round)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  main();
}
