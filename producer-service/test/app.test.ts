import { spawn } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKinesalite } from "../../local/emulators/kinesalite.js";
import { startXEmulator, type XEmulator } from "../../local/x-emulator/index.js";
// The metric families the dashboard and alert rules are written against.
import { missingProducerMetrics } from "../../observability/producer-metrics.js";
import { itWithTools, systemTool } from "../../test-support/system-tools.js";
import { eventually, testApp, testConfig } from "./support/app-harness.js";
import { createStream } from "./support/kinesis-stream.js";
import { kinesisClient } from "./support/writer-harness.js";

let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let emulator: XEmulator;
let running: { close(): Promise<void> } | undefined;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  const admin = kinesisClient(kinesalite.endpoint);
  await createStream(admin, "tweets", 1);
  admin.destroy();
});
afterAll(async () => {
  await kinesalite.close();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await emulator?.close();
});

async function start(env: Record<string, string> = {}) {
  emulator = await startXEmulator();
  const started = testApp(testConfig({ X_API_BASE_URL: emulator.url, ...env }), kinesalite.endpoint);
  running = started;
  return started.app;
}

describe("producer app", () => {
  it("answers /healthz while alive", async () => {
    // Prepare
    const app = await start();

    // Act
    const response = await app.inject({ method: "GET", url: "/healthz" });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "alive" });
  });

  it("is ready once connected to X and Kinesis answered", async () => {
    // Prepare
    const app = await start();
    await app.ready();

    // Act
    await eventually(async () => (await app.inject({ method: "GET", url: "/readyz" })).statusCode === 200);
    const response = await app.inject({ method: "GET", url: "/readyz" });

    // Assess
    expect(response.json()).toEqual({
      status: "ready",
      checks: {
        xStream: { ok: true, detail: "connected" },
        kinesis: { ok: true, detail: "stream status ACTIVE" },
      },
    });
    const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toContain("tweetstream_producer_ready 1");
    expect(metrics).toContain("tweetstream_producer_stream_connected 1");
  });

  it("is not ready while the X stream is unreachable, and says why", async () => {
    // Prepare: nothing listens on port 9 of loopback.
    const app = await start({ X_API_BASE_URL: "http://127.0.0.1:9" });
    await app.ready();
    await eventually(() => app.kinesisWriter.health.ok, 10_000, "the stream check");

    // Act
    const response = await app.inject({ method: "GET", url: "/readyz" });

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: "not ready",
      reasons: ["not connected to the X stream"],
    });
    expect((await app.inject({ method: "GET", url: "/metrics" })).body).toContain(
      "tweetstream_producer_ready 0",
    );
  });

  it("is not ready when the Kinesis stream does not exist, and says why", async () => {
    // Prepare
    const app = await start({ KINESIS_STREAM_NAME: "no-such-stream" });
    await app.ready();
    await emulator.waitForConnections(1);

    // Act
    await eventually(async () => {
      const body = (await app.inject({ method: "GET", url: "/readyz" })).json();
      return body.checks.xStream.ok === true && body.checks.kinesis.detail !== "Kinesis not reached yet";
    });
    const response = await app.inject({ method: "GET", url: "/readyz" });

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.json().reasons).toEqual(["DescribeStreamSummary failed: ResourceNotFoundException"]);
  });

  it("serves every required metric with its type in Prometheus text format", async () => {
    // Prepare
    const app = await start();

    // Act
    const response = await app.inject({ method: "GET", url: "/metrics" });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(missingProducerMetrics(response.body)).toEqual([]);
    expect(response.body).toContain('tweetstream_producer_put_requests_total{outcome="throttled"} 0');
    expect(response.body).toContain('tweetstream_producer_reconnects_total{cause="stall"} 0');
    expect(response.body).toContain(`tweetstream_producer_buffer_max_bytes ${8 * 1024 * 1024}`);
    // Recovery's series exist before the first gap, so an alert on their rate has something to compare.
    for (const reason of ["max_gap", "max_posts", "rule_rejected", "search_failed", "backfill_limit"])
      expect(response.body).toContain(`tweetstream_producer_recovery_skipped_total{reason="${reason}"} 0`);
    for (const name of ["tweets_recovered_total", "duplicates_skipped_total", "includes_dropped_total"])
      expect(response.body).toContain(`# TYPE tweetstream_producer_${name} counter`);
  });

  itWithTools(
    [systemTool("promtool")],
    "serves /metrics that promtool accepts, from a listening server",
    async () => {
      // Prepare
      const app = await start();
      const address = await app.listen({ port: 0, host: "127.0.0.1" });
      await emulator.waitForConnections(1);

      // Act
      const text = await (await fetch(`${address}/metrics`)).text();
      const result = await promtoolCheckMetrics(text);

      // Assess
      expect(result).toEqual({ code: 0, output: "" });
    },
  );
});

function promtoolCheckMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    child.once("error", (err) =>
      reject(new Error(`promtool is needed (apt-get install prometheus): ${err.message}`)),
    );
    child.once("close", (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}
