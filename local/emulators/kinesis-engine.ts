import { startKinesalite } from "./kinesalite.js";
import { startKinesisLocal } from "./kinesis-local.js";
import type { RunningEmulator } from "./listen.js";

/** The two Kinesis engines the local pipeline and the tests can run on; both speak the real protocol. */
export const KINESIS_ENGINES = ["kinesis-local", "kinesalite"] as const;
export type KinesisEngine = (typeof KINESIS_ENGINES)[number];

export function isKinesisEngine(name: string): name is KinesisEngine {
  return (KINESIS_ENGINES as readonly string[]).includes(name);
}

export function startKinesisEngine(
  engine: KinesisEngine,
  options: { port?: number; host?: string; startTimeoutMs?: number } = {},
): Promise<RunningEmulator> {
  // kinesalite starts in-process at once: the start timeout only matters to kinesis-local.
  return engine === "kinesis-local" ? startKinesisLocal(options) : startKinesalite(options);
}
