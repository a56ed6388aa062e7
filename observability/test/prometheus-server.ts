import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { freePort } from "../../local/emulators/listen.js";

export interface PrometheusOptions {
  /** host:port targets scraped under `job`. */
  readonly targets: readonly string[];
  readonly job: string;
  readonly ruleFiles: readonly string[];
}

export interface QueryResult {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** Debian's `prometheus` binary on a free loopback port, with a throwaway config and TSDB directory. */
export interface PrometheusServer {
  readonly url: string;
  query(promql: string): Promise<QueryResult[]>;
  /** GET an API path and return its `data`; failures throw with Prometheus's own error text. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), "tweetstream-prometheus-"));
  const configFile = join(dir, "prometheus.yml");
  // One-second scrapes and evaluations: a test sees rates and rule results within seconds.
  writeFileSync(
    configFile,
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: options.ruleFiles,
      scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    "prometheus",
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-8_000);
  });
  const spawnError = once(child, "spawn").then(
    () => undefined,
    (error: Error) => error,
  );
  const stop = async () => {
    await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const failure = await spawnError;
  if (failure) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot run prometheus (Debian package "prometheus"): ${failure.message}`);
  }
  try {
    await waitReady(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  return {
    url,
    api,
    query: async (promql) =>
      (await api<{ result: QueryResult[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`)).result,
    stop,
  };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await sleep(100);
  }
  throw new Error(`prometheus not ready within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
