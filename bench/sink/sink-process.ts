import type { AddressInfo } from "node:net";
import { serveParent } from "../lib/child.js";
import { KinesisSink } from "./kinesis-sink.js";

// Child process entry: the counting Kinesis endpoint, controlled by the bench runner over IPC.
const sink = new KinesisSink();
await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
const { port } = sink.server.address() as AddressInfo;
let cpuAtReset = process.cpuUsage();

serveParent(async (message) => {
  switch (message.type) {
    case "endpoint":
      return { type: "endpoint", endpoint: `http://127.0.0.1:${port}` };
    case "reset":
      sink.reset(Number(message.responseDelayMs ?? 0));
      cpuAtReset = process.cpuUsage();
      return { type: "reset" };
    case "read": {
      const cpu = process.cpuUsage(cpuAtReset);
      return { type: "counters", counters: sink.counters, cpuMicros: cpu.user + cpu.system };
    }
    default:
      throw new Error(`unknown message ${String(message.type)}`);
  }
});
