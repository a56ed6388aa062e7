import {
  type AttributeValue,
  type BatchWriteItemCommandInput,
  CreateTableCommand,
  type DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { describeOnEngines, engineClient } from "../../local/test/support/dynamo-engines.js";
import { createDynamoDbWriter } from "../dynamodb-writer.js";
import type { WriteRequest } from "../ports.js";
import { toTweetItem } from "../tweet-item.js";
import { tweet } from "./support/records.js";

const TABLE = "tweetstream-EventData";
const BAD = 7;

/** Attributes DynamoDB refuses that dynalite writes (measured); the item shape cannot carry them (Raw is bytes, never a map). */
let deep: AttributeValue = { S: "x" };
for (let level = 0; level < 40; level++) deep = { M: { a: deep } };
const REFUSED_BY_DYNAMODB_ONLY: [string, AttributeValue, RegExp][] = [
  ["a map with an empty attribute name", { M: { "": { S: "x" } } }, /Empty attribute name/],
  ["nesting deeper than 32 levels", deep, /Nesting Levels have exceeded supported limits/],
];

describeOnEngines("the DynamoDB writer when DynamoDB rejects one item of a 25-item call", (engine) => {
  let dynamo: RunningEmulator;
  let client: DynamoDBClient;
  let batchWriteCalls = 0;
  let extraAttribute: { id: string; value: AttributeValue } | undefined;
  let next = 0;

  beforeAll(async () => {
    dynamo = await engine.start();
    client = engineClient(dynamo.endpoint, { maxAttempts: 1 });
    // Counts the writer's calls, and adds `extraAttribute` to one item on its way out: an attribute the item
    // type has no room for, refused by DynamoDB itself, not by a fake.
    client.middlewareStack.add(
      (handler) => async (args) => {
        const input = args.input as Partial<BatchWriteItemCommandInput>;
        if (input.RequestItems) {
          batchWriteCalls += 1;
          for (const entry of input.RequestItems[TABLE] ?? []) {
            const item = entry.PutRequest?.Item;
            if (item && extraAttribute && item.Id?.S === extraAttribute.id) item.Extra = extraAttribute.value;
          }
        }
        return handler(args);
      },
      { step: "initialize" },
    );
    await createEventTable(client, TABLE);
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });

  function freshPuts(): { put: ReturnType<typeof toTweetItem> }[] {
    return Array.from({ length: 25 }, () => ({
      put: toTweetItem(tweet(next++), "2026-11-25T12:00:05.000Z"),
    }));
  }

  async function write(requests: WriteRequest[]) {
    batchWriteCalls = 0;
    const writer = createDynamoDbWriter({ client, tableName: TABLE, concurrency: 4, maxAttempts: 3 });
    return writer(requests, { deadline: Date.now() + 60_000 });
  }

  async function storedIds(): Promise<Set<string>> {
    const page = await client.send(new ScanCommand({ TableName: TABLE }));
    return new Set((page.Items ?? []).map((item) => item.Id?.S ?? ""));
  }

  it("writes the other 24 and rejects only the item with an empty key, with DynamoDB's message", async () => {
    // Before: the whole call failed at once and all 25 items were reported unwritten.
    const puts = freshPuts();
    const bad = puts[BAD] as (typeof puts)[number];
    bad.put.Username = "";

    const result = await write(puts);

    expect(result.unwritten).toEqual([]);
    expect(result.rejected).toEqual([
      { request: bad, reason: expect.stringMatching(/^ValidationException \(HTTP 400\): .*empty string/) },
    ]);
    const stored = await storedIds();
    expect(puts.filter((p) => stored.has(p.put.Id)).length).toBe(24);
    expect(stored.has(bad.put.Id)).toBe(false);
    // One call, then two per halving down to the one item: 25 -> 13 -> 7 -> 4 -> 2 -> 1.
    expect(batchWriteCalls).toBe(11);
  });

  it.each(REFUSED_BY_DYNAMODB_ONLY)(
    "with %s: AWS's engine refuses that item alone, dynalite writes it",
    async (_, value, message) => {
      const puts = freshPuts();
      const bad = puts[BAD] as (typeof puts)[number];
      extraAttribute = { id: bad.put.Id, value };

      const result = await write(puts).finally(() => {
        extraAttribute = undefined;
      });

      const stored = await storedIds();
      expect(result.unwritten).toEqual([]);
      if (engine.name === "DynamoDB Local") {
        expect(result.rejected).toEqual([{ request: bad, reason: expect.stringMatching(message) }]);
        expect(puts.filter((p) => stored.has(p.put.Id)).length).toBe(24);
      } else {
        expect(result.rejected).toEqual([]);
        expect(puts.filter((p) => stored.has(p.put.Id)).length).toBe(25);
      }
    },
  );

  // A table created with another key than the one the processor writes (measured messages of both engines).
  it.each([
    ["a number Id as its only key", "Id", "N"],
    ["another key attribute", "Pk", "S"],
  ] as const)(
    "on a table with %s: reports all 25 unwritten as systemic, rejects none",
    async (_, key, type) => {
      // Before: every item was refused alone after 49 calls, and all 25 went to the dead-letter queue.
      const table = `mismatched-${key}-${type}`;
      await client.send(
        new CreateTableCommand({
          TableName: table,
          KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: key, AttributeType: type }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      const puts = freshPuts();
      batchWriteCalls = 0;
      const writer = createDynamoDbWriter({ client, tableName: table, concurrency: 4, maxAttempts: 3 });

      const result = await writer(puts, { deadline: Date.now() + 60_000 });

      expect(result.rejected).toEqual([]);
      expect(result.unwritten.map((u) => u.request)).toEqual(puts);
      expect(result.unwritten[0]?.reason).toMatch(/^systemic refusal, not dead-lettered/);
      expect(result.systemic).toMatch(/^the key schema is refused: ValidationException/);
      // The message names the key schema: no split.
      expect(batchWriteCalls).toBe(1);
    },
  );
});
