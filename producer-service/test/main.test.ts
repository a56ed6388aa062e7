import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEvent } from "../../events/index.js";
import { startKinesalite } from "../../local/emulators/kinesalite.js";
import { startXEmulator, type XEmulator } from "../../local/x-emulator/index.js";
import { eventually } from "./support/app-harness.js";
import { createStream, readStream } from "./support/kinesis-stream.js";
import { kinesisClient } from "./support/writer-harness.js";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let emulator: XEmulator;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  const admin = kinesisClient(kinesalite.endpoint);
  await createStream(admin, "shutdown", 2);
  admin.destroy();
  emulator = await startXEmulator({ tweetsPerSecond: 4_000 });
});
afterAll(async () => {
  await emulator.close();
  await kinesalite.close();
});

/** Starts `main.ts` as the container would, collecting its JSON log lines. */
function startService(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => logs.push(JSON.parse(line)));
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, logs, exited, stderr: () => stderr };
}

/** The environment of a service wired to this file's emulators. */
function wiredEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    X_BEARER_TOKEN: emulator.bearerToken,
    X_API_BASE_URL: emulator.url,
    X_STREAM: "sample",
    KINESIS_STREAM_NAME: "shutdown",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_KINESIS: kinesalite.endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    ...overrides,
  };
}

describe("main.ts", () => {
  it("on SIGTERM mid-stream stops reading, flushes, and exits 0 with every accepted tweet in Kinesis", async () => {
    // Prepare: a long linger keeps records in the buffer, so SIGTERM finds some waiting.
    const service = startService(wiredEnv({ BATCH_LINGER_MS: "2000", SHUTDOWN_GRACE_MS: "15000" }));
    await emulator.waitForConnections(1, 20_000);
    const sentBefore = emulator.sent.length;
    await eventually(() => emulator.sent.length >= sentBefore + 3_000, 20_000, "tweets flowing");

    // Act
    service.child.kill("SIGTERM");
    const code = await service.exited;

    // Assess
    expect(code, service.stderr()).toBe(0);
    const flushing = service.logs.find((l) => l.msg === "flushing records to Kinesis");
    const closed = service.logs.find((l) => l.msg === "Kinesis writer closed") as
      | { acceptedRecords: number; acknowledgedRecords: number; unsentRecords: number }
      | undefined;
    expect(flushing?.heldRecords).toBeGreaterThan(0);
    expect(closed?.unsentRecords).toBe(0);
    expect(closed?.acknowledgedRecords).toBe(closed?.acceptedRecords);

    const admin = kinesisClient(kinesalite.endpoint);
    const ids = (await readStream(admin, "shutdown")).flatMap((r) =>
      r.userRecords.map((bytes) => {
        const event = decodeEvent(bytes);
        if (!event.ok) throw event.error;
        return event.value.id;
      }),
    );
    admin.destroy();
    // The stream holds exactly the tweets the service accepted: the first ones X sent, each once.
    const accepted = emulator.sent.slice(0, closed?.acceptedRecords ?? 0).map((t) => t.id);
    expect(accepted.length).toBeGreaterThan(sentBefore);
    expect(ids).toHaveLength(accepted.length);
    expect(new Set(ids)).toEqual(new Set(accepted));
  });

  it("a second Ctrl-C during the flush (npm and tsx pass SIGINT on) does not cut the shutdown short", async () => {
    // Prepare: a long linger keeps records in the buffer, so the flush has work when the signals come.
    const service = startService(wiredEnv({ BATCH_LINGER_MS: "2000", SHUTDOWN_GRACE_MS: "15000" }));
    await emulator.waitForConnections(1, 20_000);
    await eventually(
      () => service.logs.some((l) => l.msg === "connected to the X stream"),
      20_000,
      "connected",
    );

    // Act: the terminal's SIGINT, then the copy a parent passes on
    service.child.kill("SIGINT");
    await eventually(() => service.logs.some((l) => l.msg === "shutting down"), 10_000, "shutting down");
    service.child.kill("SIGINT");
    const code = await service.exited;

    // Assess: a clean exit after the whole flush, not death by the second signal (exit code null)
    expect(code, service.stderr()).toBe(0);
    expect(service.logs.some((l) => l.msg === "already shutting down")).toBe(true);
    const closed = service.logs.find((l) => l.msg === "Kinesis writer closed") as
      | { unsentRecords: number }
      | undefined;
    expect(closed?.unsentRecords).toBe(0);
  });

  it("exits non-zero with a clear message when X refuses the credentials", async () => {
    // Prepare
    const service = startService(wiredEnv({ X_BEARER_TOKEN: "wrong-token" }));

    // Act
    const code = await service.exited;

    // Assess
    expect(code).toBe(1);
    const fatal = service.logs.find((l) => l.level === 60) as { msg: string } | undefined;
    expect(fatal?.msg).toMatch(/^X stream failed for good: .*401/);
    expect(JSON.stringify(service.logs)).not.toContain("wrong-token");
  });

  it("exits non-zero with one line naming the bad variable, without its value", async () => {
    // Prepare
    const service = startService({
      X_BEARER_TOKEN: "a-secret-token",
      KINESIS_STREAM_NAME: "shutdown",
      AWS_REGION: "us-east-1",
      BATCH_MAX_RECORDS: "5000",
      PORT: "0",
    });

    // Act
    const code = await service.exited;

    // Assess
    expect(code).toBe(2);
    const lines = service
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("tweetstream producer:"));
    expect(lines).toEqual([
      "tweetstream producer: invalid configuration: BATCH_MAX_RECORDS: expected an integer from 1 to 500",
    ]);
    expect(service.stderr()).not.toContain("a-secret-token");
  });

  it("exits 2 at start with one line naming a field X does not document (X_TWEET_FIELDS)", async () => {
    const service = startService({
      X_BEARER_TOKEN: "a-secret-token",
      KINESIS_STREAM_NAME: "shutdown",
      AWS_REGION: "us-east-1",
      X_TWEET_FIELDS: "created_at,full_text",
      PORT: "0",
    });
    expect(await service.exited).toBe(2);
    const lines = service
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("tweetstream producer:"));
    expect(lines).toEqual([
      'tweetstream producer: invalid configuration: X_TWEET_FIELDS: "full_text" not a documented value',
    ]);
  });
});
