import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../../local/x-emulator/index.js";
import { XIngestFatalError } from "../reconnect-policy.js";
import { syncRules } from "../rules-sync.js";
import { connectXClient, type XClient } from "../x-client.js";

let emulator: XEmulator;
let client: XClient;
const logger = pino({ level: "silent" });

beforeEach(async () => {
  emulator = await startXEmulator();
  client = await connectXClient({
    baseUrl: emulator.url,
    credentials: { bearerToken: emulator.bearerToken },
  });
});
afterEach(async () => {
  client.close();
  await emulator.close();
});

const rulesCalls = () =>
  emulator.requests
    .filter((r) => r.path === "/2/tweets/search/stream/rules")
    .map((r) => `${r.method}${r.query.dry_run ? " dry-run" : ""}`);
const serverRules = () => emulator.rules().map(({ value, tag }) => ({ value, tag }));

describe("syncRules", () => {
  it("adds missing rules, deletes extra ones, keeps matching ones (and their ids), re-adds a changed tag", async () => {
    await syncRules(
      client,
      [{ value: "keep", tag: "k" }, { value: "retag", tag: "old" }, { value: "extra" }],
      logger,
    );
    const kept = emulator.rules().find((r) => r.value === "keep");
    emulator.requests.length = 0;

    await syncRules(
      client,
      [{ value: "keep", tag: "k" }, { value: "retag", tag: "new" }, { value: "fresh" }],
      logger,
    );

    expect(serverRules()).toEqual([
      { value: "keep", tag: "k" },
      { value: "retag", tag: "new" },
      { value: "fresh", tag: undefined },
    ]);
    expect(emulator.rules().find((r) => r.value === "keep")?.id).toBe(kept?.id);
    expect(rulesCalls()).toEqual(["GET", "POST dry-run", "POST", "POST"]);
  });

  it("changes nothing when the rules already match", async () => {
    await syncRules(client, [{ value: "a" }], logger);
    emulator.requests.length = 0;
    await syncRules(client, [{ value: "a" }], logger);
    expect(rulesCalls()).toEqual(["GET"]);
  });

  it("rejects an invalid rule at the dry run: fatal, naming every bad rule and X's reason, nothing changed", async () => {
    await syncRules(client, [{ value: "old" }], logger);
    const attempt = syncRules(
      client,
      [{ value: "new" }, { value: "(unbalanced" }, { value: "-cats" }],
      logger,
    );
    await expect(attempt).rejects.toThrow(XIngestFatalError);
    await expect(attempt).rejects.toThrow(/rule "\(unbalanced": Unbalanced parentheses/);
    await expect(attempt).rejects.toThrow(/rule "-cats": Rules must contain a non-negation term/);
    expect(serverRules()).toEqual([{ value: "old", tag: undefined }]);
  });

  it("rejects the same value twice with different tags before asking X anything", async () => {
    emulator.requests.length = 0;
    const attempt = syncRules(
      client,
      [
        { value: "x", tag: "a" },
        { value: "x", tag: "b" },
      ],
      logger,
    );
    await expect(attempt).rejects.toThrow(/"x" twice with different tags/);
    expect(rulesCalls()).toEqual([]);
  });
});
