import { createServer, type Server, type Socket } from "node:net";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, expect, it } from "vitest";
import { startDynamoDbLocal } from "../../local/emulators/dynamodb-local.js";
import { freePort, type RunningEmulator } from "../../local/emulators/listen.js";
import { engineClient } from "../../local/test/support/dynamo-engines.js";
import { describeWithTools, systemTool } from "../../test-support/system-tools.js";

// The test support's own start: the port it picks is closed again before the JVM binds it, so another test
// can take it. Before: the JVM exited with a BindException and the whole test file failed in beforeAll.
describeWithTools([systemTool("java")], "DynamoDB Local's start", () => {
  let taken: Server | undefined;
  const connections = new Set<Socket>();
  let dynamo: RunningEmulator | undefined;

  afterAll(async () => {
    // The JVM stops on SIGTERM; on a loaded machine that can take seconds.
    await dynamo?.close();
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => (taken ? taken.close(resolve) : resolve(undefined)));
  });

  it("starts again on a new port when the first one was taken before the JVM bound it", async () => {
    // Something that accepts connections and never answers, as a port taken by another test can be.
    const server = createServer((socket) => {
      connections.add(socket);
    });
    taken = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const takenPort = (server.address() as { port: number }).port;
    const picked: number[] = [];
    const pickPort = async () => {
      const port = picked.length === 0 ? takenPort : await freePort();
      picked.push(port);
      return port;
    };

    dynamo = await startDynamoDbLocal({ pickPort });

    expect(picked).toHaveLength(2);
    expect(dynamo.port).toBe(picked[1]);
    const client = engineClient(dynamo.endpoint);
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      client.destroy();
    }
  }, 180_000);
});
