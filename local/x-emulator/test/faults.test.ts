import { describe, expect, it } from "vitest";
import type { XEmulatorFaults } from "../index.js";
import { emulatorPerTest, postLines, SAMPLE_STREAM } from "./emulator-per-test.js";
import { waitUntil } from "./raw-client.js";

const fixture = emulatorPerTest();
const open = () => fixture.open(SAMPLE_STREAM);

/** An emulator with `published` posts queued and the disconnect fault set, and a stream opened on it. */
async function disconnecting(published: number, fault: Parameters<XEmulatorFaults["disconnect"]>[0]) {
  const emulator = await fixture.start();
  emulator.publish(published);
  emulator.faults.disconnect(fault);
  return { emulator, s: await open() };
}

describe("fault knobs", () => {
  it("answers the next connections with 429 and x-rate-limit-reset, then serves the stream", async () => {
    const emulator = await fixture.start();
    emulator.faults.failConnections(429, { count: 2, resetInSeconds: 30 });
    for (let i = 0; i < 2; i++) {
      const refused = await open();
      await refused.finished;
      expect(refused.status).toBe(429);
      const reset = Number(refused.headers["x-rate-limit-reset"]);
      expect(reset - Date.now() / 1000).toBeGreaterThan(28);
      expect(JSON.parse(refused.bytes().toString()).title).toBe("Too Many Requests");
    }
    expect((await open()).status).toBe(200);
  });

  it.each([401, 403, 503] as const)(
    "answers the next connection with %i in X's problem format",
    async (status) => {
      const emulator = await fixture.start();
      emulator.faults.failConnections(status);
      const refused = await open();
      await refused.finished;
      expect(refused.status).toBe(status);
      expect(JSON.parse(refused.bytes().toString())).toHaveProperty("title");
    },
  );

  it("ends the response cleanly after N tweets (mode end)", async () => {
    const { emulator, s } = await disconnecting(5, { afterTweets: 3 });
    expect(await s.finished).toBe("end");
    expect(postLines(s)).toHaveLength(3);
    expect(emulator.sent).toHaveLength(3);
    expect(emulator.queued).toBe(2);
  });

  it("drops the connection mid-response after N tweets (mode drop): the client sees an error", async () => {
    const { s } = await disconnecting(4, { afterTweets: 2, mode: "drop" });
    expect(await s.finished).toBe("error");
    expect(postLines(s)).toHaveLength(2);
  });

  it("cuts a tweet in half (mode mid-message): the half is not counted as sent", async () => {
    const { emulator, s } = await disconnecting(3, { afterTweets: 1, mode: "mid-message" });
    expect(await s.finished).toBe("error");
    expect(emulator.sent).toHaveLength(1);
    const text = s.bytes().toString();
    expect(text.split("\r\n")).toHaveLength(2);
    expect(text.endsWith("\r\n")).toBe(false);
  });

  it("stalls: no tweet and no keep-alive after N tweets, while the connection stays open", async () => {
    const emulator = await fixture.start({ keepAliveMs: 10 });
    emulator.publish(4);
    emulator.faults.stall({ afterTweets: 2 });
    const s = await open();
    await waitUntil(() => postLines(s).length >= 2);
    const bytes = s.bytes().length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(s.bytes().length).toBe(bytes);
    expect(emulator.openConnections).toBe(1);
    s.close();
    await waitUntil(() => emulator.openConnections === 0);
    const next = await open();
    await waitUntil(() => postLines(next).length >= 2);
  });

  it("injects malformed lines and in-stream errors in order with the tweets", async () => {
    const emulator = await fixture.start();
    emulator.publish(1);
    emulator.faults.injectMalformed();
    emulator.faults.injectError({ title: "Boom", detail: "broken" });
    emulator.publish(1);
    const s = await open();
    await waitUntil(() => postLines(s).length >= 4);
    const lines = postLines(s);
    expect(() => JSON.parse(lines[1] as string)).toThrow();
    expect(JSON.parse(lines[2] as string)).toEqual({
      errors: [expect.objectContaining({ title: "Boom", detail: "broken" })],
    });
    expect(JSON.parse(lines[3] as string).data.id).toBe(emulator.sent[1]?.id);
  });

  it("sends X's operational-disconnect message, then ends the stream", async () => {
    const emulator = await fixture.start();
    emulator.publish(1);
    emulator.faults.operationalDisconnect();
    emulator.publish(1);
    const s = await open();
    expect(await s.finished).toBe("end");
    const last = JSON.parse(postLines(s).at(-1) as string);
    expect(last.errors[0]).toMatchObject({
      title: "operational-disconnect",
      type: "https://api.twitter.com/2/problems/operational-disconnect",
    });
    expect(emulator.queued).toBe(1);
  });

  it("generates tweets at the configured rate up to the total", async () => {
    const emulator = await fixture.start({ tweetsPerSecond: 2000, totalTweets: 50 });
    const s = await open();
    await waitUntil(() => postLines(s).length >= 50);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(emulator.sent).toHaveLength(50);
  });
});
