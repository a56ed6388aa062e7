import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { createBatchWriter } from "../batch-writes.js";
import { createDynamoTable } from "../dynamodb-table.js";
import type { TablePort } from "../ports.js";

// The sweep's checkpoint (job ids, scan position) is what lets a sweep cut by its deadline resume instead of
// starting over. Written by one adapter, read by the next invocation's, against dynalite. StrykerJS found the
// write itself untested: saveCheckpoint emptied, every other compliance test still passed (issue 21 item 6).
let dynalite: RunningEmulator;
let client: DynamoDBClient;
beforeAll(async () => {
  dynalite = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });
  await createEventTable(client, "checkpoints");
});
afterAll(async () => {
  client?.destroy();
  await dynalite?.close();
});

/** A new adapter on the same table, as each Lambda invocation builds its own. */
function adapter(): TablePort {
  const write = createBatchWriter({ client, tableName: "checkpoints", concurrency: 4, maxAttempts: 8 });
  return createDynamoTable({
    client,
    tableName: "checkpoints",
    write,
    stateWrite: write,
    deadline: () => Date.now() + 60_000,
    readDeadline: Date.now() + 60_000,
    onReadUnits: () => undefined,
  });
}

describe("the sweep checkpoint in the table", () => {
  it("is read back by the next invocation, the latest save winning, each name on its own", async () => {
    const state = JSON.stringify({ jobs: { tweets: "job-1" }, scan: { segment: 3, lastKey: "ada/1790" } });

    await adapter().saveCheckpoint("sweep", "first");
    await adapter().saveCheckpoint("sweep", state);
    await adapter().saveCheckpoint("other", "kept apart");

    expect(await adapter().loadCheckpoint("sweep")).toBe(state);
    expect(await adapter().loadCheckpoint("other")).toBe("kept apart");
    expect(await adapter().loadCheckpoint("never-saved")).toBeUndefined();
  });
});
