import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { KeptObject } from "./destination.js";

/**
 * The local on-failure destination: each kept batch is a file under `dir` at its S3 object key, with the body
 * Lambda writes to S3, so `npm run replay -- <dir>` reads it as it reads the bucket. Written to a temporary name
 * and renamed, so a reader never sees half a batch.
 */
export function keepInFolder(dir: string): (object: KeptObject) => Promise<void> {
  return async ({ key, body }) => {
    const path = join(dir, ...key.split("/"));
    await mkdir(dirname(path), { recursive: true });
    const partial = join(dirname(path), `.${key.split("/").at(-1)}.partial`);
    await writeFile(partial, body);
    await rename(partial, path);
  };
}

/** How many kept batches `dir` holds (0 when it does not exist yet): the progress line reads it. */
export async function countKeptBatches(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && !entry.name.startsWith(".")).length;
}
