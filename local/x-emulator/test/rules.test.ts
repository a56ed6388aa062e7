import { Agent } from "node:http";
import { ApiResponseError, TwitterApi } from "twitter-api-v2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../index.js";
import { validateRule } from "../rules/rule-set.js";

// The rules endpoints through the client the producer uses, twitter-api-v2, as it would call X.
let emulator: XEmulator;
let client: TwitterApi;
let prefix: string;
const agent = new Agent();

beforeAll(async () => {
  emulator = await startXEmulator();
  client = new TwitterApi(emulator.bearerToken, { httpAgent: agent });
  prefix = `${emulator.url}/2/`;
});
afterAll(async () => {
  await emulator.close();
  agent.destroy();
});
beforeEach(async () => {
  await client.post("tweets/search/stream/rules", {}, { prefix, query: { delete_all: true } });
});

const add = (rules: { value: string; tag?: string }[], dryRun = false) =>
  client.post(
    "tweets/search/stream/rules",
    { add: rules },
    { prefix, query: dryRun ? { dry_run: true } : {} },
  );

async function rejection(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiResponseError);
  return error as ApiResponseError;
}

describe("stream rules endpoints", () => {
  it("adds rules with ids and lists them", async () => {
    const created = await add([{ value: "cats has:media", tag: "cats" }, { value: "dogs" }]);
    expect(created.meta.summary).toEqual({ created: 2, not_created: 0, valid: 2, invalid: 0 });
    const listed = await client.get("tweets/search/stream/rules", undefined, { prefix });
    expect(listed.data).toEqual(created.data);
    expect(listed.meta.result_count).toBe(2);
  });

  it("validates without storing anything on dry_run", async () => {
    const checked = await add([{ value: "lang:en birds" }], true);
    expect(checked.meta.summary.valid).toBe(1);
    expect(emulator.rules()).toEqual([]);
  });

  it("refuses an invalid rule with 400, X's invalid-rules error naming the rule, and creates nothing", async () => {
    const error = await rejection(add([{ value: "ok" }, { value: "colour:red", tag: "bad" }]));
    expect(error.code).toBe(400);
    expect(error.data.errors).toEqual([
      {
        value: "colour:red",
        details: [expect.stringContaining("invalid operator 'colour'")],
        title: "UnprocessableEntity",
        type: "https://api.twitter.com/2/problems/invalid-rules",
      },
    ]);
    expect(emulator.rules()).toEqual([]);
  });

  it("refuses a rule whose value already exists as a DuplicateRule", async () => {
    const created = await add([{ value: "cats" }]);
    const error = await rejection(add([{ value: "cats", tag: "other" }]));
    expect(error.data.errors?.[0]).toMatchObject({ title: "DuplicateRule", id: created.data[0].id });
  });

  it("deletes by id, reporting ids that do not exist", async () => {
    const created = await add([{ value: "a" }, { value: "b" }]);
    const ids = [created.data[0].id, "999"];
    const deleted = await client.post("tweets/search/stream/rules", { delete: { ids } }, { prefix });
    expect(deleted.meta.summary).toEqual({ deleted: 1, not_deleted: 1 });
    expect(emulator.rules().map((r) => r.value)).toEqual(["b"]);
  });

  it("answers a body with neither add nor delete with 400 invalid-request", async () => {
    const error = await rejection(client.post("tweets/search/stream/rules", { nothing: 1 }, { prefix }));
    expect(error.data.type).toBe("https://api.twitter.com/2/problems/invalid-request");
  });

  it("answers a wrong token with 401", async () => {
    const stranger = new TwitterApi("not-the-token", { httpAgent: agent });
    const error = await rejection(stranger.get("tweets/search/stream/rules", undefined, { prefix }));
    expect(error.code).toBe(401);
  });
});

describe("rule validation", () => {
  it.each([
    ["", "empty"],
    ["(cats OR dogs", "Unbalanced parentheses"],
    ['"open quote', "Unterminated"],
    ["-cats -dogs", "non-negation term"],
    ["x".repeat(513), "exceeds the maximum"],
    ["mood:happy", "invalid operator 'mood'"],
  ])("refuses %j", (value, reason) => {
    expect(validateRule(value).join(" ")).toContain(reason);
  });

  it.each(["cats", "(cats OR dogs) lang:en -is:retweet", '"hello: world" has:media', "#東京 from:someone"])(
    "accepts %j",
    (value) => {
      expect(validateRule(value)).toEqual([]);
    },
  );
});
