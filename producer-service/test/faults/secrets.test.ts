import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../../local/x-emulator/index.js";
import { eventually } from "../support/app-harness.js";
import { type Producer, startProducer, switchableKinesis, tempSpoolDir } from "./harness.js";

// Values no code path would print by chance: any occurrence is a leak.
const PLANTED_X_TOKEN = "PLANTEDxTOKEN7f3a9c1e55d2b8";
const PLANTED_AWS_SECRET = "PLANTEDawsSECRETq9Zx2Lw8Rt5Yv";

let x: XEmulator;
let kinesis: Awaited<ReturnType<typeof switchableKinesis>>;
let spoolDir: Awaited<ReturnType<typeof tempSpoolDir>>;

beforeAll(async () => {
  x = await startXEmulator({ bearerToken: PLANTED_X_TOKEN, tweetsPerSecond: 500 });
  kinesis = await switchableKinesis();
  spoolDir = await tempSpoolDir();
});
afterAll(async () => {
  await x.close();
  await kinesis.close();
  await spoolDir.remove();
});

function start(env: Record<string, string>): Producer {
  return startProducer(x, kinesis.endpoint, {
    X_BEARER_TOKEN: PLANTED_X_TOKEN,
    AWS_SECRET_ACCESS_KEY: PLANTED_AWS_SECRET,
    SPOOL_DIR: spoolDir.dir,
    LOG_LEVEL: "trace",
    SHUTDOWN_GRACE_MS: "500",
    ...env,
  });
}

function expectNoSecret(where: string, text: string): void {
  expect(text.length, `${where} is empty: nothing was checked`).toBeGreaterThan(0);
  for (const secret of [PLANTED_X_TOKEN, PLANTED_AWS_SECRET]) {
    expect(text.includes(secret), `${where} contains a planted secret`).toBe(false);
  }
}

describe("secrets", () => {
  it("never reach stdout, stderr, /metrics or /readyz while Kinesis refuses and fails", async () => {
    // Prepare
    const producer = start({});
    await x.waitForConnections(1, 20_000);
    await eventually(() => kinesis.stored.length > 0, 20_000, "tweets flowing");

    // Act: Kinesis refuses the signature, then fails outright, while tweets keep coming.
    kinesis.set({ kind: "error", status: 400, type: "InvalidSignatureException" });
    await eventually(async () => (await fetch(`${await producer.url()}/readyz`)).status === 503, 10_000);
    kinesis.set({ kind: "error", status: 500, type: "InternalFailure" });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const metrics = await (await fetch(`${await producer.url()}/metrics`)).text();
    const readyz = await (await fetch(`${await producer.url()}/readyz`)).text();
    const code = await producer.kill("SIGTERM");
    kinesis.set({ kind: "ok" });

    // Assess
    expect(code, producer.output()).toBe(0);
    expect(producer.output()).toContain("InvalidSignatureException");
    expectNoSecret("output", producer.output());
    expectNoSecret("/metrics", metrics);
    expectNoSecret("/readyz", readyz);
  }, 60_000);

  it("never reach the output when X answers 401 and the producer exits", async () => {
    // Prepare: the emulator now expects another token, so the planted one is refused.
    await x.close();
    x = await startXEmulator({ bearerToken: "another-token" });
    const producer = start({ X_API_BASE_URL: x.url });

    // Act
    const code = await producer.exited;

    // Assess
    expect(code).toBe(1);
    expect(producer.output()).toMatch(/401/);
    expectNoSecret("output", producer.output());
  }, 60_000);
});
