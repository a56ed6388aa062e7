import { BatchWriteItemCommand, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { decodeStoredRecord } from "../../events/stored-record.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { describeOnEngines, engineClient } from "../../local/test/support/dynamo-engines.js";
import { createDynamoDbWriter } from "../dynamodb-writer.js";
import { toAttributeValues } from "../item-attributes.js";
import type { WriteRequest } from "../ports.js";
import { itemKey, type TweetItem, toTweetItem } from "../tweet-item.js";
import { fullItem } from "./support/item-arbitraries.js";
import { tweetV2 } from "./support/v2-records.js";

const TABLE = "writer-test";
const deadline = () => Date.now() + 30_000;

/** X's JSON can hold what a DynamoDB map cannot: an empty key, and nesting deeper than 32 levels. */
function awkwardEnvelope() {
  let deep: Record<string, unknown> = { end: true };
  for (let level = 0; level < 40; level++) deep = { nested: deep };
  return tweetV2(1, { data: { "": "an empty key", deep } });
}

describeOnEngines("createDynamoDbWriter", (engine) => {
  let emulator: RunningEmulator;
  let client: DynamoDBClient;
  const writer = () => createDynamoDbWriter({ client, tableName: TABLE, concurrency: 2, maxAttempts: 3 });

  beforeAll(async () => {
    emulator = await engine.start();
    client = engineClient(emulator.endpoint);
    await createEventTable(client, TABLE);
  }, 90_000);

  afterAll(async () => {
    client?.destroy();
    await emulator?.close();
  });

  async function tableItems(): Promise<Map<string, TweetItem>> {
    const page = await client.send(new ScanCommand({ TableName: TABLE }));
    expect(page.LastEvaluatedKey).toBeUndefined();
    const items = (page.Items ?? []).map((wire) => unmarshall(wire) as TweetItem);
    return new Map(items.map((item) => [itemKey(item), item]));
  }

  it("stores every attribute of generated items as they were, and deletes by key in the same calls", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fullItem, { minLength: 2, maxLength: 40, selector: itemKey }),
        fc.integer({ min: 1, max: 39 }),
        async (items, cut) => {
          const kept = items.slice(0, Math.min(cut, items.length - 1));
          const deleted = items.slice(kept.length);
          const puts = await writer()(
            items.map((put) => ({ put })),
            { deadline: deadline() },
          );
          expect(puts.unwritten).toEqual([]);

          // Deletes (only the key) and puts (again, idempotent) mixed in the same 25-request calls.
          const mixed: WriteRequest[] = [
            ...deleted.map(({ Username, Id }) => ({ delete: { Username, Id } })),
            ...kept.map((put) => ({ put })),
          ];
          expect((await writer()(mixed, { deadline: deadline() })).unwritten).toEqual([]);

          const stored = await tableItems();
          expect([...stored.values()]).toEqual(expect.arrayContaining(kept));
          expect(stored.size).toBe(kept.length);
          for (const item of deleted) expect(stored.has(itemKey(item))).toBe(false);
          const cleanUp = kept.map(({ Username, Id }) => ({ delete: { Username, Id } }));
          expect((await writer()(cleanUp, { deadline: deadline() })).unwritten).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);

  it("stores Raw as bytes whatever X's JSON holds (empty keys, deep nesting)", async () => {
    const event = awkwardEnvelope();
    const item = toTweetItem(event, "2026-11-25T12:00:05.000Z");

    const result = await writer()([{ put: item }], { deadline: deadline() });

    expect(result.unwritten).toEqual([]);
    const stored = (await tableItems()).get(itemKey(item));
    expect(JSON.parse(decodeStoredRecord({ B: stored?.Raw ?? new Uint8Array() }, item.Message))).toEqual(
      event,
    );
  });

  it.each([
    ["an empty key", { "": "x" }, /Empty attribute name/],
    ["nesting past 32 levels", awkwardEnvelope().data.deep, /Nesting Levels have exceeded/],
  ])(
    `${engine.name === "DynamoDB Local" ? "rejects" : "accepts"} a map with %s (why Raw is never a map)`,
    async (_what, value, message) => {
      const item = toTweetItem(tweetV2(2), "2026-11-25T12:00:05.000Z");
      const asMap = { ...toAttributeValues(item), Raw: { M: marshall({ value }) } };
      const call = client.send(
        new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: asMap } }] } }),
      );

      if (engine.name === "DynamoDB Local") {
        await expect(call).rejects.toMatchObject({
          name: "ValidationException",
          message: expect.stringMatching(message),
        });
      } else {
        await expect(call).resolves.toBeDefined();
      }
    },
  );
});
