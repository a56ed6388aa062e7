import type { Server } from "node:http";
import { createRequire } from "node:module";
import { listen, type RunningEmulator } from "./listen.js";

// kinesalite (an in-memory Kinesis API implementation) ships CommonJS without types.
const require = createRequire(import.meta.url);
const kinesalite = require("kinesalite") as (options: Record<string, unknown>) => Server;

export interface KinesaliteOptions {
  port?: number;
  host?: string;
}

/** Starts kinesalite in this process, in memory, with streams usable as soon as they are created. */
export function startKinesalite({
  port = 0,
  host = "127.0.0.1",
}: KinesaliteOptions = {}): Promise<RunningEmulator> {
  return listen(
    kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 }),
    port,
    host,
  );
}
