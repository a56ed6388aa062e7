import { afterEach, describe, expect, it } from "vitest";
import type { XEmulator } from "../../../local/x-emulator/index.js";
import { tweetEvent } from "../../test/support/tweets.js";
import {
  CollectingSink,
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

describe("X ingest flow control", () => {
  it("stops reading X while the sink is full, and resumes without loss when it has room", async () => {
    // ~11 MB of tweets: more than the socket buffers between the two take (about 4.5 MB on loopback here),
    // so a reader that really stops reading blocks the server.
    const total = 20_000;
    emulator = await startEmulator({ seed: 5 });
    emulator.publish(total);
    const sink = new CollectingSink(100);
    harness = startIngest(emulator, { stallTimeoutMs: 200 }, sink);
    await waitUntil(() => sink.fullSignals > 0);
    await settle();
    const whilePaused = sink.events.length;
    await settle();

    // Nothing more is taken while full: at most the rest of the chunk that filled it.
    expect(sink.events.length).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(300);
    // The server could not write everything: TCP pushed back.
    expect(emulator.sent.length).toBeLessThan(total);
    // Our own pause is not a stall: no reconnect although the stall timeout passed.
    expect(harness.observer.disconnects).toEqual([]);

    const drain = setInterval(() => sink.release(), 1);
    try {
      // Whole posts (DEFAULT_X_FIELDS, envelope v2) take longer to read: generous on a loaded machine.
      await waitUntil(() => sink.events.length === total, 60_000);
    } finally {
      clearInterval(drain);
    }
    expect(receivedPairs(sink)).toEqual(sentPairs(emulator));
    expect(emulator.connectionCount).toBe(1);
  }, 90_000);

  it("opens no connection while the sink is full, so reconnects during an outage add nothing over the bound", async () => {
    emulator = await startEmulator({ seed: 6 });
    emulator.publish(50);
    const sink = new CollectingSink(1);
    // Full before ingest starts, as after a disconnect in a long Kinesis outage.
    sink.push(tweetEvent(0));
    harness = startIngest(emulator, {}, sink);
    // Ingest has reached its wait for room (before connecting, or after a connection's first push without the
    // wait): any connection it would open is open by now, however slow the machine.
    await waitUntil(() => sink.roomWaits > 0, 30_000);
    expect(emulator.connectionCount).toBe(0);
    expect(sink.events.length).toBe(1);

    const drain = setInterval(() => sink.release(), 1);
    try {
      await waitUntil(() => sink.events.length === 51, 30_000);
    } finally {
      clearInterval(drain);
    }
    expect(emulator.connectionCount).toBe(1);
  });

  it("stop() closes the connection promptly and pushes nothing afterwards", async () => {
    emulator = await startEmulator({ tweetsPerSecond: 2000 });
    harness = startIngest(emulator);
    await waitUntil(() => (harness?.sink.events.length ?? 0) > 20);
    const started = Date.now();
    await harness.ingest.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(harness.ingest.connected).toBe(false);
    const pushed = harness.sink.events.length;
    await waitUntil(() => emulator.openConnections === 0);
    await settle();
    expect(harness.sink.events.length).toBe(pushed);
    expect(emulator.connectionCount).toBe(1);
  });

  it("stop() during a backoff wait ends at once, without another attempt", async () => {
    emulator = await startEmulator();
    emulator.faults.failConnections(503);
    harness = startIngest(emulator, { backoff: { httpInitialMs: 60_000 } });
    await waitUntil(() => (harness?.observer.disconnects.length ?? 0) === 1);
    const started = Date.now();
    await harness.ingest.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(emulator.connectionCount).toBe(0);
  });

  it("never writes the bearer token, API key or secret to its logs, through auth, rules, faults and reconnects", async () => {
    emulator = await startEmulator({
      apiKey: "key-SECRET-1",
      apiSecret: "secret-SECRET-2",
      bearerToken: "bearer-SECRET-3",
    });
    emulator.faults.failConnections(503);
    emulator.faults.failConnections(429, { resetInSeconds: 0 });
    emulator.faults.disconnect({ afterTweets: 2, mode: "drop" });
    emulator.publish(4);
    emulator.faults.injectMalformed();
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "cats", tag: "c" }],
      credentials: { apiKey: "key-SECRET-1", apiSecret: "secret-SECRET-2" },
    });
    await waitUntil(() => harness?.sink.events.length === 4);
    const logs = harness.logs.join("");
    expect(logs).not.toMatch(/SECRET/);
    expect(logs).not.toMatch(/authorization/i);
    expect(harness.observer.disconnects.map((d) => d.detail).join()).not.toMatch(/SECRET/);
  });
});
