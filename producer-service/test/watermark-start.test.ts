import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../local/x-emulator/index.js";
import { buildApp } from "../app.js";
import { snowflakeTimeMs } from "../x-stream/snowflake.js";
import { readWatermark, WATERMARK_FILE } from "../x-stream/watermark/watermark-file.js";
import { testConfig } from "./support/app-harness.js";
import { kinesisClient } from "./support/writer-harness.js";

let emulator: XEmulator | undefined;
let dir: string | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Starts and closes the app (Kinesis unreachable: only its start matters), returning what it logged. */
async function startAndClose(env: Record<string, string>): Promise<Record<string, unknown>[]> {
  emulator = await startXEmulator();
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const client = kinesisClient("http://127.0.0.1:9");
  const app = buildApp(testConfig({ X_API_BASE_URL: emulator.url, SHUTDOWN_GRACE_MS: "500", ...env }), {
    logger,
    kinesisClient: client,
  });
  await app.ready();
  await app.close();
  client.destroy();
  return logs;
}

describe("the watermark at start", () => {
  it("without SPOOL_DIR: one line says a restart's gap is not recovered", async () => {
    const logs = await startAndClose({});
    expect(logs.filter((l) => String(l.msg).includes("are not recovered; set SPOOL_DIR"))).toHaveLength(1);
  });

  it("with SPOOL_DIR and X_RECOVERY=off: one line says a restart's gap is not recovered", async () => {
    dir = await mkdtemp(join(tmpdir(), "watermark-start-"));
    const logs = await startAndClose({ SPOOL_DIR: join(dir, "spool"), X_RECOVERY: "off" });
    expect(logs.filter((l) => String(l.msg).startsWith("X_RECOVERY=off: posts X publishes"))).toHaveLength(1);
  });

  it("a first start writes a watermark before any post is durable: a kill then still leaves one to recover from", async () => {
    dir = await mkdtemp(join(tmpdir(), "watermark-start-"));
    const spool = join(dir, "spool");
    const startedMs = Date.now();
    await startAndClose({ SPOOL_DIR: spool });
    const written = await readWatermark(spool);
    expect(written?.recentIds).toEqual([]);
    // The newest id is this start's time: a restart searches from there.
    expect(snowflakeTimeMs(written?.newestId as string)).toBeGreaterThanOrEqual(startedMs - 1);
    expect(snowflakeTimeMs(written?.newestId as string)).toBeLessThanOrEqual(Date.now());
  });

  it("an unusable watermark file is said at error and the producer starts anyway, writing a new one", async () => {
    dir = await mkdtemp(join(tmpdir(), "watermark-start-"));
    const spool = join(dir, "spool");
    await startAndClose({ SPOOL_DIR: spool });
    await writeFile(join(spool, WATERMARK_FILE), "{ torn");
    const logs = await startAndClose({ SPOOL_DIR: spool });
    const line = logs.find((l) => String(l.msg).startsWith("WATERMARK UNUSABLE"));
    expect(line).toMatchObject({ level: 50, reason: `${WATERMARK_FILE} is not JSON` });
    expect(logs.some((l) => l.msg === "Kinesis writer closed")).toBe(true);
  });
});
