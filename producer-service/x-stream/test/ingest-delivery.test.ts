import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_X_FIELDS, tweetEventSchema, xFieldsQuery } from "../../../events/index.js";
import { CHUNKING_MODES, type XEmulator } from "../../../local/x-emulator/index.js";
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

describe("X ingest through twitter-api-v2 against the emulator", () => {
  it.each(CHUNKING_MODES)("chunking %s: every tweet arrives once, text byte-identical", async (chunking) => {
    emulator = await startEmulator({ chunking, seed: 21 });
    const count = chunking === "bytewise" ? 5 : 150;
    emulator.publish(count);
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === count);

    expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
    for (const [i, event] of harness.sink.events.entries()) {
      const sent = emulator.sent[i]?.message;
      expect(Buffer.from(event.text, "utf8").equals(Buffer.from(sent?.data.text ?? "", "utf8"))).toBe(true);
      expect(event.author).toEqual(sent?.includes?.users?.[0]);
      expect(tweetEventSchema.safeParse(event).success).toBe(true);
    }
    expect(harness.observer.drops).toEqual([]);
    expect(harness.observer.postsReceived).toBe(count);
  });

  it("gzip-compressed stream (as X sends it when asked): every tweet arrives once, across a reconnect", async () => {
    emulator = await startEmulator({ gzip: true, seed: 8 });
    emulator.publish(200);
    emulator.faults.disconnect({ afterTweets: 120, mode: "drop" });
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 200);
    expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
    expect(emulator.connectionCount).toBe(2);
    expect(harness.observer.drops).toEqual([]);
  });

  it("filtered stream: syncs the rules, then carries each tweet's matching rule", async () => {
    emulator = await startEmulator();
    emulator.publish(20);
    harness = startIngest(emulator, {
      stream: "filtered",
      rules: [{ value: "cats has:media", tag: "cats" }],
    });
    await waitUntil(() => harness?.sink.events.length === 20);
    const [rule] = emulator.rules();
    expect(harness.sink.events.every((e) => e.matchingRules?.[0]?.id === rule?.id)).toBe(true);
    expect(harness.sink.events[0]?.matchingRules).toEqual([{ id: rule?.id, tag: "cats" }]);
    const stream = emulator.requests.find((r) => r.path === "/2/tweets/search/stream");
    expect(stream?.query).toEqual(xFieldsQuery(DEFAULT_X_FIELDS));
  });

  it("logs in with API key and secret (app-only) when no bearer token is given", async () => {
    emulator = await startEmulator({ apiKey: "key-123", apiSecret: "secret-456" });
    emulator.publish(3);
    harness = startIngest(emulator, { credentials: { apiKey: "key-123", apiSecret: "secret-456" } });
    await waitUntil(() => harness?.sink.events.length === 3);
    expect(emulator.requests[0]?.path).toBe("/oauth2/token");
  });

  it("reports a tweet whose author is missing from includes as dropped, and goes on", async () => {
    emulator = await startEmulator();
    const [first] = emulator.publish(1);
    emulator.publish([
      { tweet: { ...(first?.tweet as NonNullable<typeof first>["tweet"]), id: "9" }, author: null },
    ]);
    emulator.publish(1);
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 2);
    await waitUntil(() => harness?.observer.drops.length === 1);
    expect(harness.observer.drops).toEqual(["author-missing"]);
    expect(harness.logs.join("")).toContain("author");
  });

  it("drops malformed lines and survives in-stream error messages without losing the tweets around them", async () => {
    emulator = await startEmulator();
    emulator.publish(2);
    emulator.faults.injectMalformed();
    emulator.faults.injectLine("[]");
    emulator.faults.injectError({ title: "Something", detail: "happened" });
    emulator.publish(2);
    harness = startIngest(emulator);
    await waitUntil(() => harness?.sink.events.length === 4);
    expect(receivedPairs(harness.sink)).toEqual(sentPairs(emulator));
    expect(harness.observer.drops).toEqual(["malformed-json", "not-a-tweet"]);
    expect(harness.logs.join("")).toContain("Something: happened");
    expect(harness.observer.disconnects).toEqual([]);
  });
});
