import { Agent } from "node:http";
import { ApiResponseError, TwitterApi } from "twitter-api-v2";
import { afterAll, describe, expect, it } from "vitest";
import type { BillingRefusal } from "../index.js";
import { emulatorPerTest } from "./emulator-per-test.js";
import { callX } from "./x-http.js";

const fixture = emulatorPerTest();
const agent = new Agent();
afterAll(() => agent.destroy());

/** A stream connection attempt: the refusal's status and problem, or 200. */
const connect = async () => {
  const s = await fixture.open();
  if (s.status === 200) return { status: s.status, body: undefined, headers: s.headers };
  await s.finished;
  return { status: s.status, body: JSON.parse(s.bytes().toString()), headers: s.headers };
};
const search = () => callX(fixture.x, "GET", "/2/tweets/search/recent?query=cats");

const REFUSALS: [BillingRefusal, number, object][] = [
  [
    "usage-capped",
    429,
    {
      title: "UsageCapExceeded",
      period: "Monthly",
      scope: "Product",
      type: "https://api.twitter.com/2/problems/usage-capped",
    },
  ],
  [
    "credits-depleted",
    402,
    { title: "Payment Required", type: "https://api.x.com/2/problems/credits-depleted" },
  ],
];

describe("X's billing refusals", () => {
  it.each(REFUSALS)(
    "%s: stream connections and searches get %i in X's problem shape until lifted",
    async (refusal, status, problem) => {
      const x = await fixture.start({}, [{ value: "cats" }]);
      x.billing.refuse(refusal);
      const refusedStream = await connect();
      expect(refusedStream.status).toBe(status);
      expect(refusedStream.body).toMatchObject({ ...problem, detail: expect.any(String) });
      // Not a rate limit: the headers say requests remain, only the problem type tells.
      expect(refusedStream.headers["x-rate-limit-remaining"]).not.toBe("0");
      const refusedSearch = await search();
      expect(refusedSearch.status).toBe(status);
      expect(refusedSearch.body).toMatchObject(problem);
      expect(refusedSearch.headers.get("x-rate-limit-remaining")).toBe("449");
      // Unbilled endpoints still answer.
      expect((await callX(x, "GET", "/2/tweets/search/stream/rules")).status).toBe(200);
      expect((await callX(x, "GET", "/2/connections")).status).toBe(200);
      expect(x.billing.refused).toEqual({ stream: 1, search: 1 });

      x.billing.lift();
      expect((await connect()).status).toBe(200);
      expect((await search()).status).toBe(200);
      expect(x.billing.refused).toEqual({ stream: 1, search: 1 });
    },
  );

  it("refuses from the start with the billingRefusal option; twitter-api-v2 reports the status and problem", async () => {
    const x = await fixture.start({ billingRefusal: "credits-depleted" });
    const client = new TwitterApi(x.bearerToken, { httpAgent: agent });
    const prefix = `${x.url}/2/`;
    const error = await client.v2.get("tweets/search/recent", { query: "cats" }, { prefix }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as ApiResponseError).code).toBe(402);
    expect((error as ApiResponseError).data.type).toBe("https://api.x.com/2/problems/credits-depleted");
    expect(x.billing.refusal).toBe("credits-depleted");
    x.billing.refuse("usage-capped");
    expect((await search()).status).toBe(429);
  });
});
