import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../../local/x-emulator/index.js";
import { openRawStream, type RawStream } from "../../../local/x-emulator/test/raw-client.js";
import { type Harness, startIngest, waitUntil } from "./ingest-harness.js";

let emulator: XEmulator | undefined;
let harness: Harness | undefined;
let rival: Harness | undefined;
let stale: RawStream | undefined;
let silent: Server | undefined;

afterEach(async () => {
  await harness?.ingest.stop();
  harness = undefined;
  await rival?.ingest.stop();
  rival = undefined;
  stale?.close();
  stale = undefined;
  await emulator?.close();
  emulator = undefined;
  silent?.closeAllConnections();
  await new Promise((resolve) => silent?.close(resolve) ?? resolve(undefined));
  silent = undefined;
});

const retryDelays = () =>
  (harness?.logs ?? []).map((line) => JSON.parse(line)).flatMap((l) => l.retryInMs ?? []);

describe("X ingest and the connection slot", () => {
  it("429 TooManyConnections with requests left: exponential backoff from the minimum, not X's reset", async () => {
    emulator = await startXEmulator();
    // Another connection of this app holds the only slot; X's reset for it is 15 minutes away.
    stale = await openRawStream(emulator.url, "/2/tweets/sample/stream", emulator.bearerToken);
    harness = startIngest(emulator, {
      takeOverConnection: false,
      backoff: { rateLimitInitialMs: 30, rateLimitMaxMs: 10_000 },
    });
    await waitUntil(() => retryDelays().length >= 2);
    expect(retryDelays().slice(0, 2)).toEqual([30, 60]);
    expect(harness.observer.disconnects[0]?.cause).toBe("rate-limit");
  });
});

describe("X ingest takes over its own stale connection", () => {
  /** The stream stalls, we give up on it, and X keeps its slot a minute as for any client that vanished. */
  async function dropWithLingeringSlot(): Promise<void> {
    emulator = emulator as XEmulator;
    emulator.publish(3);
    await waitUntil(() => harness?.sink.events.length === 3);
    emulator.faults.lingerAfterDrop(60_000);
    emulator.faults.stall();
  }
  const STALL = { stallTimeoutMs: 300 };

  /** Ingest with a minute's backoff on 429 (a test would see it), its stream stalled once and reconnected. */
  async function stalledOnceAndBack(): Promise<Harness> {
    emulator = await startXEmulator();
    const started = startIngest(emulator, {
      ...STALL,
      backoff: { rateLimitInitialMs: 60_000, rateLimitMaxMs: 60_000 },
    });
    harness = started;
    await dropWithLingeringSlot();
    await emulator.waitForConnections(2);
    emulator.publish(2);
    await waitUntil(() => started.sink.events.length === 5);
    return started;
  }

  it("on 429 TooManyConnections: closes it with the Connections API, then reconnects at once", async () => {
    harness = await stalledOnceAndBack();
    emulator = emulator as XEmulator;
    const kills = emulator.requests.filter((r) => r.method === "DELETE");
    expect(kills.map((r) => r.path)).toEqual(["/2/connections/sample_stream"]);
    expect(harness.observer.disconnects.map((d) => d.cause)).toEqual(["stall", "rate-limit"]);
    expect(harness.logs.join("")).toContain("our own previous connection still held the slot");
  });

  it("our own connection stalling twice within 15 minutes is taken over both times (rate limit only for others')", async () => {
    harness = await stalledOnceAndBack();
    emulator = emulator as XEmulator;
    emulator.faults.stall();
    await emulator.waitForConnections(3);
    emulator.publish(1);
    await waitUntil(() => harness?.sink.events.length === 6);
    expect(emulator.requests.filter((r) => r.method === "DELETE")).toHaveLength(2);
    expect(harness.observer.takeovers).toBe(2);
    expect(harness.logs.join("")).not.toContain("another live consumer");
    expect(retryDelays()).not.toContain(60_000);
  });

  it("with X_TAKE_OVER_CONNECTION=false: waits out the backoff instead", async () => {
    emulator = await startXEmulator();
    harness = startIngest(emulator, {
      ...STALL,
      takeOverConnection: false,
      backoff: { rateLimitInitialMs: 60_000, rateLimitMaxMs: 60_000 },
    });
    await dropWithLingeringSlot();
    await waitUntil(() => retryDelays().includes(60_000));
    expect(emulator.requests.some((r) => r.method === "DELETE")).toBe(false);
    expect(emulator.connectionCount).toBe(1);
  });
});

describe("two live producers of one app (an overlapping deploy)", () => {
  it("take over at most once per 15 minutes, then back off: no connection ping-pong", async () => {
    emulator = await startXEmulator();
    harness = startIngest(emulator);
    await emulator.waitForConnections(1);
    rival = startIngest(emulator);
    const streamRequests = () =>
      (emulator?.requests ?? []).filter((r) => r.method === "GET" && r.path.endsWith("/stream")).length;
    // Both keep trying (30-100 ms backoff); without the limit they close each other's connection each time.
    await waitUntil(() => streamRequests() >= 20, 30_000);
    expect(emulator.connectionCount).toBeLessThanOrEqual(3);
    const logs = [...harness.logs, ...rival.logs].join("");
    expect(logs).toContain("another live consumer holds the stream connection");
    expect(harness.observer.takeovers + rival.observer.takeovers).toBeLessThanOrEqual(2);
  });
});

describe("X ingest stops for good on a request X will never accept", () => {
  it("400 on connect (a field X does not document), with X's message", async () => {
    emulator = await startXEmulator();
    harness = startIngest(emulator, {
      fields: {
        "tweet.fields": ["created_at", "not_a_field"],
        expansions: ["author_id"],
        "user.fields": [],
        "media.fields": [],
        "place.fields": [],
        "poll.fields": [],
      },
    });
    const fatal = await harness.ingest.fatal;
    expect(fatal.message).toContain("HTTP 400");
    expect(fatal.message).toContain("not_a_field");
    expect(emulator.connectionCount).toBe(0);
  });

  it("404 on connect (a wrong base URL), with X's message", async () => {
    emulator = await startXEmulator();
    harness = startIngest({ ...emulator, url: `${emulator.url}/wrong-prefix` });
    const fatal = await harness.ingest.fatal;
    expect(fatal.message).toContain("HTTP 404");
    expect(fatal.message).toContain("/wrong-prefix/2/tweets/sample/stream");
  });
});

describe("stop() interrupts a request in progress", () => {
  /** A server that takes requests and never answers: only the stop signal can end the wait. */
  async function startSilentServer(): Promise<{ url: string; requests: IncomingMessage[] }> {
    const requests: IncomingMessage[] = [];
    silent = createServer((req) => requests.push(req));
    await new Promise<void>((resolve) => silent?.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, requests };
  }

  it.each([
    ["app login", { credentials: { apiKey: "k", apiSecret: "s" } }, "/oauth2/token"],
    [
      "rules sync",
      { stream: "filtered" as const, rules: [{ value: "cats" }] },
      "/2/tweets/search/stream/rules",
    ],
  ])("%s", async (_, overrides, path) => {
    const server = await startSilentServer();
    harness = startIngest({ url: server.url, bearerToken: "t" } as XEmulator, overrides);
    await waitUntil(() => server.requests.length === 1);
    expect(server.requests[0]?.url).toContain(path);
    const started = Date.now();
    await harness.ingest.stop();
    // Without the signal the request would hold stop() for REQUEST_TIMEOUT_MS (30 s).
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
