import type { Server } from "node:http";
import { createRequire } from "node:module";
import { listen, type RunningEmulator } from "./listen.js";

// dynalite (an in-memory DynamoDB API implementation that validates requests like DynamoDB) ships CommonJS.
const require = createRequire(import.meta.url);
const dynalite = require("dynalite") as (options: Record<string, unknown>) => Server;

export interface DynaliteOptions {
  port?: number;
  host?: string;
}

/** Starts dynalite in this process, in memory, with tables active as soon as they are created. */
export function startDynalite({
  port = 0,
  host = "127.0.0.1",
}: DynaliteOptions = {}): Promise<RunningEmulator> {
  return listen(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }), port, host);
}
