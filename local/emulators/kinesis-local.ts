import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, type RunningEmulator } from "./listen.js";

// kinesis-local is kinesis-mock (LocalStack's Kinesis engine) compiled to JavaScript: a program, not a library.
// It runs as a child process, which also keeps its event loop out of ours.
const require = createRequire(import.meta.url);
const MAIN = require.resolve("kinesis-local/main.js");

export interface KinesisLocalOptions {
  port?: number;
  host?: string;
  /** How long to wait for its first answer: it loads an 8 MB script first (2 s on a quiet core, 10 s and more on a loaded one). */
  startTimeoutMs?: number;
}

export class KinesisLocalStartError extends Error {
  override readonly name = "KinesisLocalStartError";
}

/** Any HTTP answer means it listens; an unsigned request earns a 400, which is enough. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { method: "POST", signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts kinesis-local on loopback over plain HTTP, with every resharding and stream operation immediate,
 * and resolves once it answers. Its TLS listener is put on another free port; nothing uses it.
 */
export async function startKinesisLocal({
  port = 0,
  host = "127.0.0.1",
  startTimeoutMs = 60_000,
}: KinesisLocalOptions = {}): Promise<RunningEmulator> {
  const plainPort = port === 0 ? await freePort(host) : port;
  const tlsPort = await freePort(host);
  const stderr: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      KINESIS_MOCK_CERT_PATH: join(dirname(MAIN), "server.json"),
      LOG_LEVEL: "ERROR",
      ...Object.fromEntries(
        [
          "CREATE_STREAM_DURATION",
          "DELETE_STREAM_DURATION",
          "MERGE_SHARDS_DURATION",
          "SPLIT_SHARD_DURATION",
          "UPDATE_SHARD_COUNT_DURATION",
          "UPDATE_STREAM_MODE_DURATION",
          "REGISTER_STREAM_CONSUMER_DURATION",
          "DEREGISTER_STREAM_CONSUMER_DURATION",
          "START_STREAM_ENCRYPTION_DURATION",
          "STOP_STREAM_ENCRYPTION_DURATION",
        ].map((name) => [name, "0ms"]),
      ),
    },
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 50) stderr.push(chunk.toString());
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  const endpoint = `http://${host}:${plainPort}`;
  // It shuts down gracefully on SIGTERM, but not always promptly with connections open: SIGKILL after 2 s.
  const close = async () => {
    if (exited !== undefined) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 2_000);
    await exit;
    clearTimeout(killer);
  };
  const deadline = Date.now() + startTimeoutMs;
  while (!(await answers(endpoint))) {
    if (exited !== undefined || Date.now() > deadline) {
      await close();
      throw new KinesisLocalStartError(
        `kinesis-local did not answer on ${endpoint} within ${startTimeoutMs} ms` +
          (exited === undefined ? "" : ` (exited with ${exited})`) +
          (stderr.length > 0 ? `: ${stderr.join("").slice(0, 500)}` : ""),
      );
    }
    await sleep(50);
  }
  return { endpoint, port: plainPort, close };
}
