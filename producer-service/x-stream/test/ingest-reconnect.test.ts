import { afterEach, describe, expect, it } from "vitest";
import type { XEmulator } from "../../../local/x-emulator/index.js";
import {
  type Harness,
  receivedPairs,
  sentPairs,
  startEmulator,
  startIngest,
  stopStarted,
  waitUntil,
} from "./ingest-harness.js";

let emulator: XEmulator;
let harness: Harness | undefined;

afterEach(stopStarted);

const causes = () => harness?.observer.disconnects.map((d) => d.cause) ?? [];

describe("X ingest reconnects", () => {
  it.each(["end", "drop"] as const)(
    "after the server closes the stream (%s), losing nothing",
    async (mode) => {
      emulator = await startEmulator();
      emulator.publish(30);
      emulator.faults.disconnect({ afterTweets: 10, mode });
      harness = startIngest(emulator);
      await waitUntil(() => harness?.sink.events.length === 30);
      expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
      expect(emulator.connectionCount).toBe(2);
      expect(causes()).toEqual(["network"]);
      expect(harness.observer.connections).toBe(2);
    },
  );

  it("after a compressed (gzip) stream is cut: at once, not when the stall timer fires", async () => {
    emulator = await startEmulator({ gzip: true, seed: 4 });
    emulator.publish(30);
    emulator.faults.disconnect({ afterTweets: 10, mode: "drop" });
    // A stall timeout far beyond the wait below: only watching the raw response can notice the cut in time.
    harness = startIngest(emulator, { stallTimeoutMs: 120_000 });
    await waitUntil(() => harness?.sink.events.length === 30, 15_000);
    expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
    expect(causes()).toEqual(["network"]);
  });

  it("after a message cut in half: the half is reported as truncated, the rest arrives", async () => {
    emulator = await startEmulator();
    emulator.publish(10);
    emulator.faults.disconnect({ afterTweets: 4, mode: "mid-message" });
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 9);
    expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
    expect(harness.observer.drops).toEqual(["truncated"]);
  });

  it("when the stream goes silent (no keep-alive) for the stall timeout", async () => {
    emulator = await startEmulator({ keepAliveMs: 20 });
    emulator.publish(6);
    emulator.faults.stall({ afterTweets: 3 });
    harness = startIngest(emulator, { stallTimeoutMs: 300 });
    await waitUntil(() => harness?.sink.events.length === 6);
    expect(causes()).toEqual(["stall"]);
    expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
  });

  it.each([false, true])(
    "keeps a quiet but alive stream (keep-alives only, gzip %s) connected",
    async (gzip) => {
      emulator = await startEmulator({ keepAliveMs: 20, gzip });
      harness = startIngest(emulator, { stallTimeoutMs: 200 });
      await emulator.waitForConnections(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(causes()).toEqual([]);
      expect(harness.ingest.connected).toBe(true);
    },
  );

  it("after X's operational-disconnect message", async () => {
    emulator = await startEmulator();
    emulator.publish(2);
    emulator.faults.operationalDisconnect();
    emulator.publish(2);
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 4);
    expect(causes()).toEqual(["operational-disconnect"]);
    expect(harness.observer.drops).toEqual([]);
  });

  it("after an in-stream error followed by the end of the stream, reporting it as a stream error", async () => {
    emulator = await startEmulator();
    emulator.publish(1);
    emulator.faults.injectError({ title: "ConnectionException", detail: "too slow" }, { endStream: true });
    harness = startIngest(emulator);
    await waitUntil(() => causes().length === 1);
    expect(harness.observer.disconnects[0]).toEqual({
      cause: "stream-error",
      detail: "ConnectionException: too slow",
    });
  });

  it("after 429, as rate-limited, then streams", async () => {
    emulator = await startEmulator();
    emulator.faults.failConnections(429, { count: 2, resetInSeconds: 0 });
    emulator.publish(5);
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 5);
    expect(causes()).toEqual(["rate-limit", "rate-limit"]);
    expect(harness.observer.disconnects[0]?.detail).toContain("HTTP 429");
  });

  it("after 503 and 500, as HTTP errors, then streams", async () => {
    emulator = await startEmulator();
    emulator.faults.failConnections(503);
    emulator.faults.failConnections(500);
    emulator.publish(5);
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 5);
    expect(causes()).toEqual(["http", "http"]);
  });

  it("after the server refuses the connection (network error), with linear backoff", async () => {
    emulator = await startEmulator();
    const url = emulator.url;
    await emulator.close();
    harness = startIngest({ ...emulator, url });
    await waitUntil(() => causes().length >= 3);
    expect(new Set(causes())).toEqual(new Set(["network"]));
    const retries = harness.logs.map((line) => JSON.parse(line)).filter((l) => l.retryInMs !== undefined);
    expect(retries.slice(0, 3).map((l) => l.retryInMs)).toEqual([10, 20, 30]);
  });
});

describe("X ingest backoff starts over only after a healthy connection", () => {
  const retryDelays = () =>
    (harness?.logs ?? []).map((line) => JSON.parse(line)).flatMap((l) => l.retryInMs ?? []);

  /**
   * Lets each of the next `count` connections live `upMs` (long enough for keep-alives), then ends it. With
   * `publishEach`, ends it once the sink has this connection's posts instead: however slow the machine, the
   * post was delivered before the disconnect.
   */
  async function endConnections(count: number, upMs: number, publishEach = 0): Promise<void> {
    for (let i = 1; i <= count; i++) {
      await emulator.waitForConnections(i);
      if (publishEach > 0) {
        emulator.publish(publishEach);
        await waitUntil(() => harness?.sink.events.length === i * publishEach, 30_000);
      } else {
        await new Promise((resolve) => setTimeout(resolve, upMs));
      }
      emulator.faults.disconnect({ mode: "end" });
    }
  }

  it("keep-alives alone do not reset it: a server that accepts and drops is not hammered", async () => {
    emulator = await startEmulator({ keepAliveMs: 10 });
    harness = startIngest(emulator);
    await endConnections(3, 60);
    await waitUntil(() => retryDelays().length >= 3);
    expect(retryDelays().slice(0, 3)).toEqual([10, 20, 30]);
  });

  it("a delivered post resets it", async () => {
    emulator = await startEmulator({ keepAliveMs: 10 });
    harness = startIngest(emulator);
    await endConnections(3, 0, 1);
    await waitUntil(() => retryDelays().length >= 3);
    expect(retryDelays().slice(0, 3)).toEqual([10, 10, 10]);
  });

  it("a connection that stayed up healthyAfterMs resets it", async () => {
    emulator = await startEmulator({ keepAliveMs: 10 });
    harness = startIngest(emulator, { healthyAfterMs: 150 });
    await endConnections(2, 400);
    await waitUntil(() => retryDelays().length >= 2);
    expect(retryDelays().slice(0, 2)).toEqual([10, 10]);
  });
});

describe("X ingest stops for good", () => {
  it("on 401, with a clear message that does not contain the token", async () => {
    emulator = await startEmulator();
    harness = startIngest(emulator, { credentials: { bearerToken: "wrong-token-abc" } });
    const fatal = await harness.ingest.fatal;
    expect(fatal.message).toMatch(/X refused .*HTTP 401.*bearer token/);
    expect(fatal.message).not.toContain("wrong-token-abc");
    expect(harness.logs.join("")).not.toContain("wrong-token-abc");
    expect(harness.ingest.connected).toBe(false);
  });

  it("on 403 at connect", async () => {
    emulator = await startEmulator();
    emulator.faults.failConnections(403);
    harness = startIngest(emulator);
    expect((await harness.ingest.fatal).message).toContain("HTTP 403");
    expect(emulator.connectionCount).toBe(0);
  });

  it("on a wrong API key or secret", async () => {
    emulator = await startEmulator();
    harness = startIngest(emulator, { credentials: { apiKey: "emulator-key", apiSecret: "not-the-secret" } });
    const fatal = await harness.ingest.fatal;
    expect(fatal.message).toContain("HTTP 403");
    expect(fatal.message + harness.logs.join("")).not.toContain("not-the-secret");
  });

  it("on an invalid rule, naming it and X's reason, before changing any rule or connecting", async () => {
    emulator = await startEmulator();
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "cats" }, { value: "colour:red", tag: "bad" }],
    });
    const fatal = await harness.ingest.fatal;
    expect(fatal.message).toContain('rule "colour:red"');
    expect(fatal.message).toContain("invalid operator 'colour'");
    expect(emulator.rules()).toEqual([]);
    expect(emulator.connectionCount).toBe(0);
  });
});
