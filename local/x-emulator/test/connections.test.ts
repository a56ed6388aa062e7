import { describe, expect, it } from "vitest";
import { emulatorPerTest, postLines } from "./emulator-per-test.js";
import { STREAM_QUERY, waitUntil } from "./raw-client.js";
import { addRules, callX } from "./x-http.js";

const fixture = emulatorPerTest();
const open = (query = STREAM_QUERY) => fixture.open(`/2/tweets/search/stream?${query}`);

describe("one connection we own: TooManyConnections, lingering, the Connections API", () => {
  it("a dropped connection lingers: the next gets 429 TooManyConnections until DELETE /2/connections/filtered_stream", async () => {
    const x = await fixture.start({ lingerMs: 60_000 });
    const first = await open();
    expect(first.status).toBe(200);
    first.close();
    await waitUntil(() => x.openConnections === 0);
    const refused = await open();
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.bytes().toString())).toMatchObject({
      title: "ConnectionException",
      connection_issue: "TooManyConnections",
    });
    expect(refused.headers["x-rate-limit-remaining"]).not.toBe("0");

    const active = await callX(x, "GET", "/2/connections?status=active&endpoints=filtered_stream");
    expect(active.body.data).toEqual([
      expect.objectContaining({ endpoint_name: "filtered_stream", connected_at: expect.any(String) }),
    ]);
    const killed = await callX(x, "DELETE", "/2/connections/filtered_stream");
    expect(killed.body.data).toMatchObject({ successful_kills: 1, failed_kills: 0 });
    expect((await open()).status).toBe(200);
    const history = await callX(x, "GET", "/2/connections?status=inactive");
    expect(history.body.data[0]).toMatchObject({
      disconnect_reason: "TerminatedByRequest",
      disconnected_at: expect.any(String),
    });
  });

  it("without lingering the slot frees when the client goes; lingering ends by itself after lingerMs", async () => {
    const x = await fixture.start();
    (await open()).close();
    await waitUntil(() => x.openConnections === 0);
    const served = await open();
    expect(served.status).toBe(200);
    served.close();
    await waitUntil(() => x.openConnections === 0);
    x.faults.lingerAfterDrop(150);
    (await open()).close();
    await waitUntil(() => x.openConnections === 0);
    expect((await open()).status).toBe(429);
    await waitUntil(() => x.connections().every((c) => c.disconnected_at !== undefined), 5_000);
    expect((await open()).status).toBe(200);
  });

  it("DELETE /2/connections/all ends open streams; DELETE /2/connections kills by uuid and reports unknown ones", async () => {
    const x = await fixture.start({ maxConnections: 2 });
    const a = await open();
    await open();
    const all = await callX(x, "DELETE", "/2/connections/all");
    expect(all.body.data.successful_kills).toBe(2);
    expect(await a.finished).toBe("error");
    await open();
    const [live] = x.connections().filter((c) => c.disconnected_at === undefined);
    const byUuid = await callX(x, "DELETE", "/2/connections", { uuids: [live?.uuid, "nope"] });
    expect(byUuid.body.data).toEqual({
      successful_kills: 1,
      failed_kills: 1,
      results: [
        { uuid: live?.uuid, success: true },
        expect.objectContaining({ uuid: "nope", success: false }),
      ],
    });
    expect((await callX(x, "DELETE", "/2/connections/firehose")).status).toBe(400);
    expect((await callX(x, "GET", "/2/connections?status=open")).status).toBe(400);
  });
});

describe("backfill_minutes", () => {
  it("redelivers what was published in the last N minutes before the live stream, duplicates included", async () => {
    const x = await fixture.start();
    await addRules(x, [{ value: "cats" }]);
    const first = await open();
    const earlier = x.publish(30);
    await waitUntil(() => postLines(first).length >= 30);
    first.close();
    await waitUntil(() => x.openConnections === 0);
    const later = x.publish(5);
    const second = await open(`${STREAM_QUERY}&backfill_minutes=2`);
    await waitUntil(() => postLines(second).length >= 40);
    const ids = postLines(second).map((line) => JSON.parse(line).data.id);
    const all = [...earlier, ...later].map((p) => p.tweet.id);
    expect(ids.slice(0, 35)).toEqual(all);
    expect(ids.slice(35)).toEqual(later.map((p) => p.tweet.id));
    expect(x.sent.filter((s) => s.backfilled)).toHaveLength(35);
  });

  it("refuses backfill_minutes outside 0..5 with X's 400", async () => {
    const x = await fixture.start();
    const res = await callX(x, "GET", `/2/tweets/search/stream?backfill_minutes=6`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ parameters: { backfill_minutes: ["6"] } });
  });
});
