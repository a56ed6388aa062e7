import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startKinesalite } from "../../../local/emulators/kinesalite.js";
import { Spool } from "../../spool/index.js";
import { tweetEvents } from "../../test/support/tweets.js";
import { capturingLogger, metricValue, startWriter } from "../../test/support/writer-harness.js";
import type { PushOutcome } from "../../x-stream/event-sink.js";

const KiB = 1024;
const CHILD = fileURLToPath(new URL("./fixtures/push-while-flushing.ts", import.meta.url));

let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let dirs: string[] = [];
beforeAll(async () => {
  kinesalite = await startKinesalite();
});
afterAll(async () => {
  await kinesalite.close();
});
afterEach(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  dirs = [];
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tweetstream-shutdown-"));
  dirs.push(dir);
  return join(dir, "spool");
}

describe("the writer's shutdown with a spool", () => {
  it("finishes close() when an event is pushed while it flushes, and spools that event", async () => {
    // Prepare: in a child process, since the hang was a loop that never yields (no timeout here could fire).
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, kinesalite.endpoint, await tempDir()], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);

    // Act
    const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
    clearTimeout(killer);

    // Assess: the 300 ms grace time ends the flush; the late event goes to the spool with the others.
    expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
    const result = JSON.parse(stdout) as {
      summary: Record<string, number>;
      told: string;
      spoolRecords: number;
    };
    expect(result.told).toBe("durable");
    expect(result.summary).toMatchObject({ acceptedRecords: 1_001, unsentRecords: 0 });
    expect(result.spoolRecords).toBe(1_001);
  }, 30_000);

  it("says at error which records a full spool could not take at shutdown, and counts them as unsent", async () => {
    // Prepare: Kinesis fails (the stream does not exist), memory holds 32 KiB, the spool 64 KiB.
    const spool = await Spool.open({ dir: await tempDir(), maxBytes: 64 * KiB });
    const { logger, lines } = capturingLogger();
    const { writer, metrics, client } = startWriter(kinesalite.endpoint, {
      target: { StreamName: "no-such-stream" },
      spool,
      logger,
      bufferMaxBytes: 32 * KiB,
      maxBytes: 32 * KiB,
    });
    const events = tweetEvents(1_000);
    const told: PushOutcome[] = [];

    // Act
    for (const event of events) writer.push(event, Date.now(), (outcome) => told.push(outcome));
    await vi.waitFor(
      () => expect(spool.stats().records > 0 && writer.spoolReadiness()?.ok === false, "full").toBe(true),
      { timeout: 5_000, interval: 20 },
    );
    const summary = await writer.close(300);
    const spooled = spool.stats().records;
    await spool.close();
    client.destroy();

    // Assess
    const dropped = events.length - spooled;
    expect(dropped).toBeGreaterThan(500);
    expect(summary).toMatchObject({
      acceptedRecords: 1_000,
      spooledRecords: spooled,
      unsentRecords: dropped,
    });
    expect(await metricValue(metrics.recordsDropped, { reason: "spool_full" })).toBe(dropped);
    const lost = lines.find((line) => line.droppedRecords !== undefined);
    expect(lost).toMatchObject({
      level: 50,
      droppedRecords: dropped,
      cause: "SPOOL_MAX_BYTES reached",
      msg: expect.stringContaining("are lost"),
    });
    expect(lines.filter((line) => String(line.msg).includes("were written to the spool"))).toEqual([]);
    expect(told.filter((outcome) => outcome === "lost")).toHaveLength(dropped);
    expect(told.filter((outcome) => outcome === "durable")).toHaveLength(spooled);
  });
});
