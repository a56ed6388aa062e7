import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../config.js";
import { createSweeper } from "../sweeper.js";
import { MemoryLogger } from "./support/fake-ports.js";

// A small fake endpoint: no engine can be made to throttle on demand. It refuses every request as DynamoDB does.
let server: Server | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function throttlingDynamo(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
    res.end(
      JSON.stringify({
        __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        message: "throughput exceeded",
      }),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests };
}

describe("createSweeper's DynamoDB client", () => {
  it("retries a refused read within its attempts, then counts it and stops (redone next sweep)", async () => {
    const dynamo = await throttlingDynamo();
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynamo.url);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    const config = loadConfig({ TABLE_NAME: "t", X_BEARER_TOKEN: "token", READ_MAX_ATTEMPTS: "3" });
    const logger = new MemoryLogger();
    const sweep = createSweeper({ config, bearerToken: async () => "token", logger });

    const summary = await sweep(Date.now() + 30_000);

    expect(summary).toMatchObject({ errors: 1, resumeNext: true });
    expect(dynamo.requests()).toBe(3);
  }, 30_000);
});
