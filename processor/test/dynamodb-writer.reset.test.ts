import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { engineClient } from "../../local/test/support/dynamo-engines.js";
import { createDynamoDbWriter } from "../dynamodb-writer.js";
import { tweetItem } from "./support/item-arbitraries.js";

// No engine resets a connection on demand: this endpoint resets the first call's connection (as a server or a
// load balancer closing a kept-alive socket does) and answers the next one as DynamoDB answers a full write.
let server: Server;
let calls = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    calls += 1;
    req.resume();
    req.on("end", () => {
      if (calls === 1) {
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ UnprocessedItems: {} }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

it("retries a call whose connection was reset (the SDK names it TimeoutError) instead of taking it for the deadline", async () => {
  const client = engineClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    maxAttempts: 1,
  });
  const write = createDynamoDbWriter({
    client,
    tableName: "t",
    concurrency: 1,
    maxAttempts: 3,
    backoff: { baseMs: 1, capMs: 5 },
  });
  const [item] = fc.sample(tweetItem, { numRuns: 1, seed: 1 });
  if (!item) throw new Error("no item");

  const result = await write([{ put: item }], { deadline: Date.now() + 30_000 });

  expect(result).toMatchObject({ unwritten: [], retries: 1 });
  expect(calls).toBe(2);
  client.destroy();
});
