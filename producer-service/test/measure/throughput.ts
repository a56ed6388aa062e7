/**
 * Measures the producer service as it runs in production: the X emulator streams N tweets to the service
 * process, which writes them to Kinesis (kinesalite, or with --sink null an endpoint that acknowledges
 * everything at once, to measure the service alone). Reports tweets/s from connection to the last
 * acknowledgement, PutRecords calls per 1,000 tweets, and the service's peak RSS (the kernel's VmHWM, or
 * sampled from /metrics).
 *
 *   npx tsx producer-service/test/measure/throughput.ts [--sink kinesalite|null] [--tweets 100000] [--aggregation on] [--rate 5000] [--service-node-args "..."]
 *
 * Runs dist/producer-service/main.js when built (npm run build), else main.ts through tsx.
 * A measurement script, not a test: figures depend on the machine and what else runs on it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../../../local/emulators/listen.js";
import { startXEmulator } from "../../../local/x-emulator/index.js";
import { createStream } from "../support/kinesis-stream.js";
import { kinesisClient } from "../support/writer-harness.js";

const { values } = parseArgs({
  options: {
    sink: { type: "string", default: "kinesalite" },
    tweets: { type: "string", default: "100000" },
    aggregation: { type: "string", default: "off" },
    /** Tweets per second the emulator generates; by default all are queued at once (as fast as read). */
    rate: { type: "string", default: "0" },
    /** Node command-line options for the service process only, e.g. "--max-semi-space-size=8 --cpu-prof". */
    "service-node-args": { type: "string", default: "" },
  },
});
const total = Number(values.tweets);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function startChild(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return child;
}

async function firstLine<T>(child: ChildProcess): Promise<T> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return JSON.parse(line) as T;
  throw new Error("child exited before printing its port");
}

/** Sums the samples of one metric (all label sets) in Prometheus text. */
function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

const sinkFile = values.sink === "null" ? "null-kinesis.ts" : "kinesalite-process.ts";
const sink = startChild(["--import", "tsx", `${here}${sinkFile}`]);
const { port: sinkPort } = await firstLine<{ port: number }>(sink);
const kinesisEndpoint = `http://127.0.0.1:${sinkPort}`;
if (values.sink !== "null") {
  const admin = kinesisClient(kinesisEndpoint);
  await createStream(admin, "measure", 4);
  admin.destroy();
}

const rate = Number(values.rate);
const emulator = await startXEmulator({
  recordSent: false,
  maxQueued: total,
  tweetsPerSecond: rate,
  totalTweets: total,
});
if (rate === 0) emulator.publish(total);

const built = `${root}dist/producer-service/main.js`;
const servicePort = await freePort();
const nodeArgs = values["service-node-args"].split(" ").filter(Boolean);
const entry = existsSync(built) ? [built] : ["--import", "tsx", `${root}producer-service/main.ts`];
const service = startChild([...nodeArgs, ...entry], {
  ...process.env,
  X_BEARER_TOKEN: emulator.bearerToken,
  X_API_BASE_URL: emulator.url,
  // The sample stream carries every tweet; the filtered one only those matching rules.
  X_STREAM: "sample",
  KINESIS_STREAM_NAME: "measure",
  AWS_REGION: "us-east-1",
  AWS_ENDPOINT_URL_KINESIS: kinesisEndpoint,
  AWS_ACCESS_KEY_ID: "measure",
  AWS_SECRET_ACCESS_KEY: "measure",
  AGGREGATION: values.aggregation,
  PORT: String(servicePort),
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
});
service.stdout?.resume();

await emulator.waitForConnections(1, 30_000);
const started = performance.now();
let peakRss = 0;
let put = 0;
let calls = 0;
while (put < total) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const text = await (await fetch(`http://127.0.0.1:${servicePort}/metrics`)).text();
  put = metric(text, "tweetstream_producer_records_put_total");
  calls = metric(text, "tweetstream_producer_put_requests_total");
  peakRss = Math.max(peakRss, metric(text, "process_resident_memory_bytes"));
  if (performance.now() - started > 600_000)
    throw new Error(`only ${put} of ${total} tweets put after 10 minutes`);
}
const seconds = (performance.now() - started) / 1000;
// The kernel's high-water mark of the service's resident memory, when available (Linux).
const status = existsSync(`/proc/${service.pid}/status`)
  ? readFileSync(`/proc/${service.pid}/status`, "utf8")
  : "";
const highWaterKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);

service.kill("SIGTERM");
const exitCode = await new Promise((resolve) => service.once("exit", resolve));
sink.kill("SIGTERM");
await emulator.close();

console.log(
  JSON.stringify(
    {
      service: existsSync(built) ? "dist/producer-service/main.js" : "producer-service/main.ts (tsx)",
      sink: values.sink,
      aggregation: values.aggregation,
      rate: rate === 0 ? "as fast as read" : rate,
      nodeArgs: values["service-node-args"],
      tweets: total,
      seconds: Number(seconds.toFixed(2)),
      tweetsPerSecond: Math.round(total / seconds),
      putRecordsCallsPer1000Tweets: Number(((calls / total) * 1000).toFixed(2)),
      peakRssMiB: Number((Math.max(peakRss, highWaterKiB * 1024) / 1024 / 1024).toFixed(1)),
      exitCode,
    },
    null,
    2,
  ),
);
