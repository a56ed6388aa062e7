/**
 * Spool throughput benchmark (not a test): `npm run bench:spool [-- --dir /path/on/the/volume]`.
 * Appends 1.5 KB records (about one tweet event) for a fixed time per case, with and without fdatasync after
 * every append, at several batch sizes, then drains with peek(500)/ack. Prints a Markdown table.
 * Figures depend on the disk: run it on the volume the producer's SPOOL_DIR will use.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Spool, type SpoolRecord } from "../index.js";

const { values: args } = parseArgs({
  options: { dir: { type: "string", default: tmpdir() }, seconds: { type: "string", default: "1.5" } },
});
const seconds = Number(args.seconds);
const RECORD_BYTES = 1500;

function record(n: number): SpoolRecord {
  return {
    partitionKey: `1850000000000${String(n).padStart(6, "0")}`,
    data: Buffer.alloc(RECORD_BYTES, n & 0xff),
    receivedAt: Date.now(),
  };
}

async function appendCase(batchSize: number, fsyncEachAppend: boolean) {
  const dir = await mkdtemp(join(args.dir, "spool-bench-"));
  const spool = await Spool.open({ dir, maxBytes: 2 * 1024 ** 3, fsyncEachAppend });
  const batch = Array.from({ length: batchSize }, (_, i) => record(i));
  let records = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const { accepted } = await spool.append(batch);
    if (accepted < batch.length) throw new Error("spool filled up: lower --seconds");
    records += accepted;
  }
  const elapsed = (performance.now() - started) / 1000;
  // Opening reads every frame once (checksums included): how long a restart takes with this much spooled.
  await spool.close();
  const opening = performance.now();
  const reopened = await Spool.open({ dir, maxBytes: 2 * 1024 ** 3, fsyncEachAppend });
  const openMs = performance.now() - opening;
  const openMbPerSecond = reopened.stats().bytes / 1e6 / (openMs / 1000);
  const drained = await drainRate(reopened);
  await reopened.close();
  await rm(dir, { recursive: true, force: true });
  return {
    records,
    perSecond: records / elapsed,
    mbPerSecond: (records * RECORD_BYTES) / elapsed / 1e6,
    openMbPerSecond,
    drained,
  };
}

/** Records per second through peek(500, 5 MiB) + ack, the shape of a PutRecords drain. */
async function drainRate(spool: Spool): Promise<number> {
  const total = spool.stats().records;
  const started = performance.now();
  for (
    let batch = await spool.peek(500, 5 * 1024 * 1024);
    batch;
    batch = await spool.peek(500, 5 * 1024 * 1024)
  ) {
    await spool.ack(batch.token);
  }
  return total / ((performance.now() - started) / 1000);
}

const rows: string[] = [];
for (const fsyncEachAppend of [false, true]) {
  for (const batchSize of [1, 100, 500]) {
    const result = await appendCase(batchSize, fsyncEachAppend);
    rows.push(
      `| ${fsyncEachAppend ? "yes" : "no"} | ${batchSize} | ${Math.round(result.perSecond).toLocaleString("en-US")} | ` +
        `${result.mbPerSecond.toFixed(1)} | ${Math.round(result.drained).toLocaleString("en-US")} | ` +
        `${Math.round(result.openMbPerSecond)} |`,
    );
  }
}
console.log(
  `Spool on ${args.dir}, ${RECORD_BYTES}-byte records, ${seconds} s per case, Node ${process.version}\n`,
);
console.log(
  "| fsync each append | records per append | appended records/s | MB/s | drained records/s | open scan MB/s |",
);
console.log("|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
