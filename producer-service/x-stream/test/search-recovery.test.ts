import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../../local/x-emulator/index.js";
import { toXTime } from "../recovery/recovery-plan.js";
import { recoverBySearch, type SearchPage } from "../recovery/search-recovery.js";
import { sleep } from "../sleep.js";
import { connectXClient, type XClient } from "../x-client.js";
import { FAST_BACKOFF, RecordedEvents } from "./ingest-harness.js";

let emulator: XEmulator | undefined;
let client: XClient | undefined;

afterEach(async () => {
  client?.close();
  client = undefined;
  await emulator?.close();
  emulator = undefined;
});

/** Runs one search recovery against the emulator's search/recent with one rule; real client, real 400s. */
async function recover(rule: string, plan: { window: Record<string, string>; endAgoMs: number }) {
  emulator = await startXEmulator();
  client = await connectXClient({
    baseUrl: emulator.url,
    credentials: { bearerToken: emulator.bearerToken },
  });
  const x = client;
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const observer = new RecordedEvents();
  const stop = new AbortController();
  await recoverBySearch(
    {
      kind: "search",
      window: plan.window as { since_id: string },
      endTime: toXTime(Math.floor((Date.now() - plan.endAgoMs) / 1000) * 1000),
      notBeforeMs: 0,
      gapMs: 1,
    },
    {
      listRules: async () => [{ id: "1", value: rule }],
      search: (query) => x.api.get<SearchPage>("tweets/search/recent", query, { prefix: x.v2 }),
      deliver: async () => undefined,
      sleep: (ms) => sleep(ms, stop.signal),
      stopSignal: stop.signal,
      report: observer.report,
      logger,
    },
    { fieldsQuery: {}, maxPosts: 100, backoff: FAST_BACKOFF, endTimeRetryMs: 4_000 },
  );
  const searches = emulator.requests.filter((r) => r.path === "/2/tweets/search/recent");
  return { skips: observer.recoverySkips, logs, searches };
}

describe("search recovery sorts X's 400s by the parameter X names", () => {
  it("a refused query is rule_rejected", async () => {
    const { skips, logs } = await recover("cats sample:50", {
      window: { since_id: "1" },
      endAgoMs: 60_000,
    });
    expect(skips).toEqual(["rule_rejected"]);
    expect(JSON.stringify(logs)).toContain("Reference to invalid operator 'sample'");
  });

  it("a start_time older than search's reach is moved to its edge at request time, which X accepts", async () => {
    const { skips, searches } = await recover("dogs", {
      window: { start_time: toXTime(Date.now() - 8 * 24 * 3_600_000) },
      endAgoMs: 60_000,
    });
    expect(skips).toEqual([]);
    expect(searches).toHaveLength(1);
  });

  it("an end_time too recent (clocks apart) is retried once after a wait, and then succeeds", async () => {
    // 7-8 s in the past (X wants 10 s) unless the first request takes 2 s; 4 s later it is old enough.
    const { skips, searches, logs } = await recover("dogs", { window: { since_id: "1" }, endAgoMs: 7_000 });
    expect(skips).toEqual([]);
    expect(searches).toHaveLength(2);
    expect(JSON.stringify(logs)).toContain("end_time too recent");
  });

  it("an end_time still refused after the one retry is search_refused", async () => {
    const { skips, searches } = await recover("dogs", {
      window: { since_id: "1" },
      endAgoMs: -60_000,
    });
    expect(skips).toEqual(["search_refused"]);
    expect(searches).toHaveLength(2);
  });
});
