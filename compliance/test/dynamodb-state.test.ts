import { BatchWriteItemCommand, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { createBatchWriter } from "../batch-writes.js";
import { createDynamoTable } from "../dynamodb-table.js";
import type { TablePort } from "../ports.js";
import { type DynamoFaultEndpoint, startDynamoFaults, type WriteEntry } from "./support/dynamo-faults.js";

// The table adapter against dynalite, behind the fault endpoint: the sweeper's own state at the sizes it is
// built for, and the limits a contributor could get wrong (25 requests per BatchWriteItem, 10,000 lines per
// stored upload item).
let dynalite: RunningEmulator;
let faults: DynamoFaultEndpoint;
let client: DynamoDBClient;
let tables = 0;
beforeAll(async () => {
  dynalite = await startDynalite();
  faults = await startDynamoFaults(dynalite.endpoint);
  client = new DynamoDBClient({
    endpoint: faults.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await faults?.close();
  await dynalite?.close();
});

/** A fresh table and the adapter on it; both writers with the deletes' default budget (8 attempts). */
async function freshTable(): Promise<{ table: TablePort; name: string }> {
  const name = `state-${++tables}`;
  await createEventTable(client, name);
  faults.setPlan(() => "forward");
  const write = createBatchWriter({ client, tableName: name, concurrency: 4, maxAttempts: 8 });
  const table = createDynamoTable({
    client,
    tableName: name,
    write,
    stateWrite: write,
    deadline: () => Date.now() + 60_000,
    readDeadline: Date.now() + 60_000,
    onReadUnits: () => undefined,
  });
  return { table, name };
}

const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => `${1_900_000_000_000_000_000n + BigInt(i * 7919)}\tuser_${i % 2000}`);

/** Write units of one put as DynamoDB counts them: one per started KB of names and values (Binary: bytes). */
function writeUnits(entry: WriteEntry): number {
  const item = entry.PutRequest?.Item;
  if (!item) return 1;
  let bytes = 0;
  for (const [name, value] of Object.entries(item))
    bytes += name.length + (value.B !== undefined ? (value.B.length * 3) / 4 : (value.S ?? "").length);
  return Math.ceil(bytes / 1024);
}

/** DynamoDB's per-partition-key limit: 1,000 write units per second; what is over it comes back unprocessed. */
function perKeyWriteLimit(unitsPerSecond: number) {
  const used = new Map<string, number>();
  return (entry: WriteEntry): boolean => {
    const key = entry.PutRequest?.Item.Username?.S ?? entry.DeleteRequest?.Key.Username?.S ?? "";
    const slot = `${key}@${Math.floor(Date.now() / 1000)}`;
    const units = writeUnits(entry);
    if ((used.get(slot) ?? 0) + units > unitsPerSecond) return false;
    used.set(slot, (used.get(slot) ?? 0) + units);
    return true;
  };
}

describe("the sweeper's own state in DynamoDB", () => {
  it("stores and loads back a 500,000-id round under DynamoDB's 1,000 write units per second per key", async () => {
    const { table } = await freshTable();
    const take = perKeyWriteLimit(1000);
    faults.setPlan((call) => (call.operation === "BatchWriteItem" ? { take } : "forward"));
    const uploaded = lines(500_000);

    const chunks = await table.storeUploaded("sweep#1#tweets", uploaded);

    expect(await table.loadUploaded("sweep#1#tweets", chunks)).toEqual(uploaded);
    await table.dropUploaded("sweep#1#tweets", chunks);
    expect(await table.loadUploaded("sweep#1#tweets", 0)).toEqual([]);
  }, 60_000);

  it.each([
    [0, 0],
    [1, 1],
    [10_000, 1],
    [10_001, 2],
    [20_000, 2],
    [25_123, 3],
  ])(
    "stores %i lines in %i chunks of at most 10,000 and loads every line back in order",
    async (n, expected) => {
      const { table } = await freshTable();
      const uploaded = lines(n);

      const chunks = await table.storeUploaded("sweep#7#users", uploaded);

      expect(chunks).toBe(expected);
      expect(await table.loadUploaded("sweep#7#users", chunks)).toEqual(uploaded);
    },
  );

  it("deletes 60 items in BatchWriteItem calls of at most 25 (DynamoDB refuses more)", async () => {
    const { table, name } = await freshTable();
    const keys = Array.from({ length: 60 }, (_, i) => ({ Username: `user_${i % 7}`, Id: String(1000 + i) }));
    for (let i = 0; i < keys.length; i += 20)
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [name]: keys.slice(i, i + 20).map((k) => ({
              PutRequest: { Item: { Username: { S: k.Username }, Id: { S: k.Id }, AuthorId: { S: "1" } } },
            })),
          },
        }),
      );
    const sizes: number[] = [];
    faults.setPlan((call) => {
      if (call.operation === "BatchWriteItem")
        sizes.push((Object.values(JSON.parse(call.body).RequestItems)[0] as unknown[]).length);
      return "forward";
    });

    const result = await table.deleteItems(keys, Date.now() + 30_000);

    expect(result).toEqual({ deleted: 60, failed: [] });
    expect(sizes.sort((a, b) => b - a)).toEqual([25, 25, 10]);
    for (const key of keys) expect(await table.itemsOfAuthor(key.Username, "1")).toEqual([]);
  });

  it("says when the deadline, not DynamoDB, stopped the deletes", async () => {
    const { table } = await freshTable();
    const keys = Array.from({ length: 30 }, (_, i) => ({ Username: "alice", Id: String(5000 + i) }));
    faults.setPlan((call) => (call.operation === "BatchWriteItem" ? { delayMs: 400 } : "forward"));

    const result = await table.deleteItems(keys, Date.now() + 150);

    expect(result.cutByDeadline).toBe(true);
    expect(result.failed).toHaveLength(30);
  });

  it("deletes the uploads a version 1 checkpoint left under the reserved partition, and only those", async () => {
    const { table, name } = await freshTable();
    const ids = [
      ...Array.from({ length: 30 }, (_, i) => `upload#sweep#7#tweets#${String(i).padStart(6, "0")}`),
      "upload#dry-run#2#users#000000",
      "checkpoint#sweep",
    ];
    for (let i = 0; i < ids.length; i += 25)
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [name]: ids.slice(i, i + 25).map((Id) => ({
              PutRequest: { Item: { Username: { S: "#compliance" }, Id: { S: Id }, Lines: { S: "1\tu" } } },
            })),
          },
        }),
      );

    expect(await table.dropVersion1Uploads("sweep")).toBe(30);
    const left = await client.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "Username = :u",
        ExpressionAttributeValues: { ":u": { S: "#compliance" } },
      }),
    );
    expect(left.Items?.map((i) => i.Id?.S).sort()).toEqual([
      "checkpoint#sweep",
      "upload#dry-run#2#users#000000",
    ]);
  });
});
