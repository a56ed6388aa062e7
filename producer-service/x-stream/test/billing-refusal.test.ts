import { afterEach, describe, expect, it } from "vitest";
import type { XEmulator } from "../../../local/x-emulator/index.js";
import { KinesisHealth } from "../../kinesis/health.js";
import { checkReadiness } from "../../readiness.js";
import { type Harness, startEmulator, startIngest, stopStarted, waitUntil } from "./ingest-harness.js";

let emulator: XEmulator;
let harness: Harness | undefined;

afterEach(stopStarted);

const RETRY_MS = 400;

function healthyKinesis(): KinesisHealth {
  const health = new KinesisHealth();
  health.reportPut(true, "ok");
  return health;
}
const streamAttempts = () => emulator.requests.filter((r) => r.path === "/2/tweets/search/stream").length;

describe("X's billing refusals", () => {
  it.each([
    ["credits-depleted", 402],
    ["usage-capped", 429],
  ] as const)(
    "%s (%i) on connect: stays up, retries rarely, /readyz says what to do, resumes when lifted",
    async (refusal, status) => {
      emulator = await startEmulator({ billingRefusal: refusal });
      harness = startIngest(emulator, {
        stream: "filtered",
        rules: [{ value: "dogs" }],
        recovery: { mode: "search", maxPosts: 100, maxGapMs: 3_600_000, billingRetryMs: RETRY_MS },
      });
      await waitUntil(() => harness?.ingest.billingRefusal === refusal);
      const since = Date.now();
      const before = streamAttempts();
      await new Promise((resolve) => setTimeout(resolve, 5 * RETRY_MS));
      const perRetryInterval = ((streamAttempts() - before) * RETRY_MS) / (Date.now() - since);

      // One attempt per billing interval, not the HTTP backoff's (20-100 ms here: some 30 attempts).
      expect(perRetryInterval).toBeLessThanOrEqual(1.5);
      const readiness = checkReadiness(harness.ingest, healthyKinesis());
      expect(readiness.ready).toBe(false);
      expect(readiness.checks.xStream.detail).toContain(`(${status} ${refusal})`);
      expect(readiness.checks.xStream.detail).toMatch(/X developer console/);
      expect(readiness.checks.xStream.detail).toContain(`(retrying every ${RETRY_MS} ms)`);
      expect(harness.observer.all).toContainEqual({ kind: "billing", refusal });
      expect(harness.logs.filter((l) => l.includes("X REFUSES"))).toHaveLength(1);

      emulator.billing.lift();
      await waitUntil(() => harness?.ingest.connected === true, 5_000);
      emulator.publish(3);
      await waitUntil(() => harness?.sink.events.length === 3);
      expect(harness.ingest.billingRefusal).toBeUndefined();
      expect(harness.observer.all).toContainEqual({ kind: "billing", refusal: undefined });
      console.info(JSON.stringify({ refusal, connectAttemptsPerRetryInterval: perRetryInterval }));
    },
  );

  it("a recovery search refused for billing is retried once X accepts again: the gap is not lost", async () => {
    emulator = await startEmulator();
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "dogs" }],
      recovery: { mode: "search", maxPosts: 100, maxGapMs: 3_600_000, billingRetryMs: RETRY_MS },
    });
    await emulator.waitForConnections(1);
    emulator.publish(5);
    await waitUntil(() => harness?.sink.events.length === 5);
    emulator.faults.networkOutage({ durationMs: 1_000 });
    const missed = emulator.publish(10).filter((p) => !p.tweet.referenced_tweets?.length);
    await emulator.waitForConnections(2, 20_000);
    // Connected again; the search (some 13 s later) meets the refusal.
    emulator.billing.refuse("credits-depleted");
    await waitUntil(() => emulator.billing.refused.search >= 2, 30_000);
    const recoveredWhileRefused = harness.observer.recovered;
    // The search's refusal goes through the ingest's billing state (one writer): /readyz and the gauge.
    expect(harness.ingest.billingRefusal).toBe("credits-depleted");
    emulator.billing.lift();
    await waitUntil(() => harness?.observer.recovered === missed.length, 10_000);
    expect(harness.ingest.billingRefusal).toBeUndefined();

    expect(recoveredWhileRefused).toBe(0);
    expect(harness.observer.recoverySkips).toEqual([]);
    expect(harness.sink.events.filter((e) => missed.some((p) => p.tweet.id === e.id))).toHaveLength(
      missed.length,
    );
  }, 60_000);
});
