import { afterEach, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../index.js";
import { createTweetGenerator } from "../posts/generator.js";
import { openRawStream, type RawStream, STREAM_QUERY, waitUntil } from "./raw-client.js";
import { addRules, callX } from "./x-http.js";

let x: XEmulator;
let streams: RawStream[] = [];
afterEach(async () => {
  for (const s of streams) s.close();
  streams = [];
  await x.close();
});
const open = async () => {
  const s = await openRawStream(x.url, `/2/tweets/search/stream?${STREAM_QUERY}`, x.bearerToken);
  streams.push(s);
  return s;
};
const tweetLines = (s: RawStream) => s.lines().filter((line) => line !== "");

it("a network outage cuts the stream and refuses connections; posts published meanwhile are never streamed but search finds them", async () => {
  x = await startXEmulator();
  await addRules(x, [{ value: "cats" }]);
  // Created a minute ago, so search (end_time at least 10 s before now) can see them.
  const generator = createTweetGenerator({ seed: 2, startTimeMs: Date.now() - 60_000 });
  const batch = (n: number) => Array.from({ length: n }, () => generator.next());
  const before = await open();
  const streamed = x.publish(batch(10));
  await waitUntil(() => tweetLines(before).length >= 10);

  x.faults.networkOutage();
  expect(await before.finished).toBe("error");
  await expect(open()).rejects.toThrow();
  await expect(callX(x, "GET", "/2/tweets/search/recent?query=cats")).rejects.toThrow();
  const missed = x.publish(batch(20));
  x.faults.endNetworkOutage();

  const after = await open();
  const live = x.publish(batch(5));
  await waitUntil(() => tweetLines(after).length >= 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(tweetLines(after).map((line) => JSON.parse(line).data.id)).toEqual(live.map((p) => p.tweet.id));
  expect(x.sent.map((s) => s.id)).not.toContain(missed[0]?.tweet.id);
  expect(x.published).toBe(35);

  const since = streamed.at(-1)?.tweet.id as string;
  const res = await callX(x, "GET", `/2/tweets/search/recent?query=cats&max_results=100&since_id=${since}`);
  expect(res.body.data.map((d: { id: string }) => d.id)).toEqual(
    [...missed, ...live].map((p) => p.tweet.id).reverse(),
  );
});

it("an outage with durationMs ends by itself", async () => {
  x = await startXEmulator();
  x.faults.networkOutage({ durationMs: 100 });
  await expect(callX(x, "GET", "/2/connections")).rejects.toThrow();
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect((await callX(x, "GET", "/2/connections")).status).toBe(200);
});
