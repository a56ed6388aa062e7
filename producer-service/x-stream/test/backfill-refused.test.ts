import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { XEmulator } from "../../../local/x-emulator/index.js";
import { type Harness, startIngest, waitUntil } from "./ingest-harness.js";

let harness: Harness | undefined;
let server: Server | undefined;

afterEach(async () => {
  await harness?.ingest.stop();
  harness = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** X's answer to backfill_minutes from an app without Enterprise access: a 400 naming the parameter. */
const BACKFILL_REFUSED = {
  errors: [
    { parameters: { backfill_minutes: ["1"] }, message: "backfill_minutes is not allowed for this app" },
  ],
  title: "Invalid Request",
  detail: "One or more parameters to your request was invalid.",
  type: "https://api.twitter.com/2/problems/invalid-request",
};

/**
 * A stream endpoint no emulator offers: it refuses backfill_minutes, as X does for non-Enterprise apps. The
 * first connection ends at once (a gap to backfill); later ones stay open.
 */
async function startRefusingServer(): Promise<{ url: string; queries: URLSearchParams[] }> {
  const queries: URLSearchParams[] = [];
  server = createServer((req, res) => {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    queries.push(query);
    if (query.has("backfill_minutes")) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(BACKFILL_REFUSED));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    if (queries.length === 1) res.end();
    else res.flushHeaders();
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries };
}

describe("X_RECOVERY=backfill on an app X refuses backfill_minutes to", () => {
  it("drops backfill for this process, says so, counts it, and reconnects without it (not fatal)", async () => {
    const { url, queries } = await startRefusingServer();
    harness = startIngest({ url, bearerToken: "t" } as XEmulator, {
      recovery: { mode: "backfill", maxPosts: 10_000, maxGapMs: 3_600_000 },
    });
    await waitUntil(() => harness?.observer.connections === 2, 30_000);
    expect(queries.map((q) => q.get("backfill_minutes"))).toEqual([null, "1", null]);
    expect(harness.observer.recoverySkips).toEqual(["backfill_refused"]);
    expect(harness.logs.join("")).toContain("X refused backfill_minutes");
    const ended = await Promise.race([harness.ingest.fatal.then(() => "fatal"), Promise.resolve("running")]);
    expect(ended).toBe("running");
  });
});
