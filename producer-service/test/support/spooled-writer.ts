import { decodeEvent } from "../../../events/index.js";
import { Spool } from "../../spool/index.js";
import { eventually } from "./app-harness.js";
import type { ReceivedEntry } from "./fault-kinesis.js";
import { capturingLogger, startWriter, type WriterUnderTest } from "./writer-harness.js";

const MiB = 1024 * 1024;

/** A writer with a spool (opened in `dir`, or given), a 1 MiB buffer and 1 MiB requests, logging into `lines`. */
export async function startSpooledWriter(
  endpoint: string,
  dirOrSpool: string | Spool,
  spoolMaxBytes = 1024 * MiB,
): Promise<WriterUnderTest & { spool: Spool; lines: Record<string, unknown>[] }> {
  const spool =
    typeof dirOrSpool === "string"
      ? await Spool.open({ dir: dirOrSpool, maxBytes: spoolMaxBytes })
      : dirOrSpool;
  const { logger, lines } = capturingLogger();
  const started = startWriter(endpoint, {
    spool,
    logger,
    bufferMaxBytes: MiB,
    maxBytes: MiB,
    requestTimeoutMs: 10_000, // long: a loaded machine must not turn slow answers into resends
  });
  return { ...started, spool, lines };
}

/** Tweet ids stored at the endpoint: how many distinct, and how many records beyond the first of each. */
export function deliveredIds(stored: readonly ReceivedEntry[]): { ids: Set<string>; duplicates: number } {
  const ids = new Set<string>();
  let duplicates = 0;
  for (const entry of stored) {
    const decoded = decodeEvent(entry.data);
    if (!decoded.ok) throw new Error(`undecodable record: ${decoded.error.message}`);
    if (ids.has(decoded.value.id)) duplicates++;
    ids.add(decoded.value.id);
  }
  return { ids, duplicates };
}

/** Starts a writer on an opened spool, waits until the spool and memory are empty, then closes everything. */
export async function drainSpool(endpoint: string, opened: Spool) {
  const started = await startSpooledWriter(endpoint, opened);
  const { writer, spool, client } = started;
  await eventually(() => spool.recordCount === 0 && writer.held.records === 0, 30_000, "spool drained");
  const readiness = writer.spoolReadiness();
  await writer.close(5_000);
  await spool.close();
  client.destroy();
  return { ...started, readiness };
}
