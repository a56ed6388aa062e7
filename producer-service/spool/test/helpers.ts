import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { Spool, SpoolRecord } from "../index.js";
import { numbered } from "./fixtures/numbered.js";

export { numbered };

const made: string[] = [];

/** A fresh directory under the system temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spool-test-"));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

export function range(from: number, count: number): SpoolRecord[] {
  return Array.from({ length: count }, (_, i) => numbered(from + i));
}

/** Reads and acknowledges everything, in batches, returning the records in the order received. */
export async function drain(spool: Spool, batchRecords = 7): Promise<SpoolRecord[]> {
  const out: SpoolRecord[] = [];
  for (
    let batch = await spool.peek(batchRecords, 1 << 20);
    batch;
    batch = await spool.peek(batchRecords, 1 << 20)
  ) {
    if (batch.records.length === 0) throw new Error("peek returned an empty batch");
    out.push(...batch.records);
    await spool.ack(batch.token);
  }
  return out;
}

/** Reads everything without acknowledging (peek never removes). */
export async function peekAll(spool: Spool): Promise<readonly SpoolRecord[]> {
  return (await spool.peek(1_000_000, Number.MAX_SAFE_INTEGER))?.records ?? [];
}

/** Plain objects, so `toEqual` compares bytes (a Buffer and a Uint8Array with equal bytes compare unequal). */
export function plain(records: readonly SpoolRecord[]) {
  return records.map((r) => ({
    partitionKey: r.partitionKey,
    data: Buffer.from(r.data).toString("hex"),
    receivedAt: r.receivedAt,
  }));
}

export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(".spool")).sort();
}
