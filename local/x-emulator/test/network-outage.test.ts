import { expect, it } from "vitest";
import { createTweetGenerator } from "../index.js";
import { emulatorPerTest, postLines } from "./emulator-per-test.js";
import { waitUntil } from "./raw-client.js";
import { callX } from "./x-http.js";

const fixture = emulatorPerTest();
const open = () => fixture.open();

it("a network outage cuts the stream and refuses connections; posts published meanwhile are never streamed but search finds them", async () => {
  const x = await fixture.start({}, [{ value: "cats" }]);
  // Created a minute ago, so search (end_time at least 10 s before now) can see them.
  const generator = createTweetGenerator({ seed: 2, startTimeMs: Date.now() - 60_000 });
  const batch = (n: number) => Array.from({ length: n }, () => generator.next());
  const before = await open();
  const streamed = x.publish(batch(10));
  await waitUntil(() => postLines(before).length >= 10);

  x.faults.networkOutage();
  expect(await before.finished).toBe("error");
  await expect(open()).rejects.toThrow();
  await expect(callX(x, "GET", "/2/tweets/search/recent?query=cats")).rejects.toThrow();
  const missed = x.publish(batch(20));
  x.faults.endNetworkOutage();

  const after = await open();
  const live = x.publish(batch(5));
  await waitUntil(() => postLines(after).length >= 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(postLines(after).map((line) => JSON.parse(line).data.id)).toEqual(live.map((p) => p.tweet.id));
  expect(x.sent.map((s) => s.id)).not.toContain(missed[0]?.tweet.id);
  expect(x.published).toBe(35);

  const since = streamed.at(-1)?.tweet.id as string;
  const res = await callX(x, "GET", `/2/tweets/search/recent?query=cats&max_results=100&since_id=${since}`);
  expect(res.body.data.map((d: { id: string }) => d.id)).toEqual(
    [...missed, ...live].map((p) => p.tweet.id).reverse(),
  );
});

it("an outage with durationMs ends by itself", async () => {
  const x = await fixture.start();
  x.faults.networkOutage({ durationMs: 100 });
  await expect(callX(x, "GET", "/2/connections")).rejects.toThrow();
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect((await callX(x, "GET", "/2/connections")).status).toBe(200);
});
