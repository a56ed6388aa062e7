import {
  type BatchWriteItemCommandOutput,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startDynalite } from "../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { createBatchWriter, wireKey } from "../batch-write.js";

// The shared loop over requests already in the wire format (as the compliance sweeper writes them), on dynalite.
// A middleware hands back the chosen requests as UnprocessedItems on the first call, as a throttled partition does.
const TABLE = "batch-write-test";
let dynamo: RunningEmulator;
let client: DynamoDBClient;
let handBack: (request: WriteRequest) => boolean = () => false;
let calls = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "BatchWriteItemCommand") return next(args);
      calls += 1;
      const input = args.input as { RequestItems: Record<string, WriteRequest[]> };
      const all = input.RequestItems[TABLE] ?? [];
      const kept = calls === 1 ? all.filter(handBack) : [];
      input.RequestItems[TABLE] = all.filter((request) => !kept.includes(request));
      const out = await next(args);
      (out.output as BatchWriteItemCommandOutput).UnprocessedItems = kept.length > 0 ? { [TABLE]: kept } : {};
      return out;
    },
    { step: "initialize" },
  );
  await createEventTable(client, TABLE);
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.close();
});

/** The loop over wire requests, as the sweeper uses it. */
const wireWriter = (concurrency: number, maxAttempts: number) =>
  createBatchWriter<WriteRequest>({
    client,
    tableName: TABLE,
    concurrency,
    maxAttempts,
    toWire: (request) => request,
    key: wireKey,
  });
const put = (id: string): WriteRequest => ({ PutRequest: { Item: { Username: { S: "u" }, Id: { S: id } } } });
const del = (id: string): WriteRequest => ({
  DeleteRequest: { Key: { Username: { S: "u" }, Id: { S: id } } },
});

it("writes puts and deletes in chunks of 25, retrying what DynamoDB hands back", async () => {
  const write = wireWriter(2, 3);
  await write([put("gone")], Date.now() + 30_000);
  const requests = [...Array.from({ length: 30 }, (_, n) => put(String(n))), del("gone")];
  handBack = (request) => request.PutRequest?.Item?.Id?.S === "3";
  calls = 0;

  const result = await write(requests, Date.now() + 30_000);

  expect(result).toEqual({ unwritten: [], rejected: [], retries: 1 });
  expect(calls).toBe(3);
  const stored = (await client.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
  expect(stored.map((item) => item.Id?.S).sort()).toEqual(
    Array.from({ length: 30 }, (_, n) => String(n)).sort(),
  );
});

it("reports what is still handed back when out of attempts, with the reason", async () => {
  const write = wireWriter(1, 1);
  handBack = (request) => request.PutRequest?.Item?.Id?.S === "a";
  calls = 0;

  const result = await write([put("a"), put("b")], Date.now() + 30_000);

  expect(result.unwritten).toEqual([
    { request: put("a"), reason: "UnprocessedItems (1 requests), after 1 attempts" },
  ]);
});
