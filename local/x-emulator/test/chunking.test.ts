import { Agent } from "node:http";
import { ETwitterStreamEvent, TwitterApi } from "twitter-api-v2";
import { describe, expect, it } from "vitest";
import { CHUNKING_MODES, type ChunkingMode } from "../index.js";
import { emulatorPerTest, SAMPLE_STREAM } from "./emulator-per-test.js";
import { waitUntil } from "./raw-client.js";

const fixture = emulatorPerTest();

async function receive(mode: ChunkingMode, tweets: number) {
  const emulator = await fixture.start({ chunking: mode, seed: 11 });
  emulator.publish(tweets);
  const stream = await fixture.open(SAMPLE_STREAM);
  await waitUntil(() => stream.lines().length >= tweets);
  stream.close();
  return stream;
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

describe("chunking modes", () => {
  it.each(CHUNKING_MODES)("%s: the bytes received are exactly the messages sent", async (mode) => {
    const stream = await receive(mode, mode === "bytewise" ? 3 : 40);
    const expected = fixture.x.sent.map((s) => `${JSON.stringify(s.message)}\r\n`).join("");
    expect(stream.bytes().equals(Buffer.from(expected, "utf8"))).toBe(true);
  });

  it("split-utf8: chunk boundaries fall inside multi-byte characters at the client", async () => {
    const stream = await receive("split-utf8", 20);
    const splitInside = stream.chunks.filter(
      (chunk, i) => isContinuation(stream.chunks[i + 1]?.[0]) && chunk.length > 0,
    );
    expect(splitInside.length).toBeGreaterThan(20);
  });

  it("split-crlf: chunks end between \\r and \\n at the client", async () => {
    const stream = await receive("split-crlf", 20);
    const endingInCr = stream.chunks.filter((chunk) => chunk.at(-1) === 0x0d);
    expect(endingInCr).toHaveLength(20);
  });

  it("crlf-alone: the \\r\\n ending each message arrives as a chunk of its own", async () => {
    const stream = await receive("crlf-alone", 20);
    expect(stream.chunks.filter((chunk) => chunk.toString() === "\r\n")).toHaveLength(20);
  });
});

// The two faults of twitter-api-v2 1.29's own stream reader that the producer works around, reproduced
// through the emulator: proof that its chunk boundaries reach a client.
describe("twitter-api-v2's stream reader against the worst-case chunking", () => {
  async function readWithLibrary(mode: ChunkingMode, tweets: number) {
    const emulator = await fixture.start({ chunking: mode, seed: 3 });
    emulator.publish(tweets);
    const agent = new Agent();
    const client = new TwitterApi(emulator.bearerToken, { httpAgent: agent });
    const stream = await client.getStream(
      "tweets/sample/stream",
      { "tweet.fields": "lang", expansions: "author_id" },
      { prefix: `${emulator.url}/2/` },
    );
    const received: { data: { id: string; text: string } }[] = [];
    stream.on(ETwitterStreamEvent.Data, (message) => received.push(message));
    stream.on(ETwitterStreamEvent.TweetParseError, () => undefined);
    await waitUntil(() => emulator.sent.length === tweets);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.close();
    agent.destroy();
    return received;
  }

  it("loses messages whose closing \\r\\n arrives alone", async () => {
    const received = await readWithLibrary("crlf-alone", 20);
    expect(received.length).toBeLessThan(20);
  });

  it("turns multi-byte characters split across chunks into U+FFFD", async () => {
    const received = await readWithLibrary("split-utf8", 20);
    const byId = new Map(fixture.x.sent.map((s) => [s.id, s.message.data.text]));
    const corrupted = received.filter((m) => m.data.text !== byId.get(m.data.id));
    expect(corrupted.length).toBeGreaterThan(0);
    expect(corrupted.some((m) => m.data.text.includes("\uFFFD"))).toBe(true);
  });
});
