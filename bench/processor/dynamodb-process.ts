import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createEventTable, localDynamoClient } from "../../local/pipeline/aws-resources.js";
import { serveParent } from "../lib/child.js";
import { BENCH_TABLE } from "./bench-table.js";
import { DynamoDbSink } from "./dynamodb-sink.js";

// Child process entry: the DynamoDB endpoint the processor writes to, either the counting sink or dynalite
// (BENCH_DYNAMODB=dynalite), on its own core. Request counts come from the HTTP layer in both cases.
const kind = process.env.BENCH_DYNAMODB === "dynalite" ? "dynalite" : "sink";
const sink = kind === "sink" ? new DynamoDbSink(BENCH_TABLE) : undefined;
const server: Server = sink?.server ?? startDynalite();
let requests: Record<string, number> = {};
server.prependListener("request", (req) => {
  const operation = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
  requests[operation] = (requests[operation] ?? 0) + 1;
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
if (kind === "dynalite") await createTable(endpoint);
let cpuAtReset = process.cpuUsage();

serveParent(async (message) => {
  switch (message.type) {
    case "endpoint":
      return { type: "endpoint", endpoint, kind, table: BENCH_TABLE };
    case "reset":
      requests = {};
      sink?.reset();
      cpuAtReset = process.cpuUsage();
      return { type: "reset" };
    case "read": {
      const cpu = process.cpuUsage(cpuAtReset);
      return {
        type: "counters",
        requests,
        itemsWritten: sink?.counters.itemsWritten ?? null,
        rejected: sink?.counters.rejected ?? 0,
        lastRejection: sink?.counters.lastRejection,
        cpuMicros: cpu.user + cpu.system,
      };
    }
    default:
      throw new Error(`unknown message ${String(message.type)}`);
  }
});

function startDynalite(): Server {
  const require = createRequire(import.meta.url);
  const dynalite = require("dynalite") as (options: Record<string, unknown>) => Server;
  return dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
}

async function createTable(at: string): Promise<void> {
  const client = localDynamoClient(at, "us-east-1");
  await createEventTable(client, BENCH_TABLE.tableName);
  client.destroy();
}
