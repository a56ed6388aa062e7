// How many v2 records the spool holds per GiB, measured: RICH_MIX posts (the emulator's mix: a quarter long,
// retweets, quotes, replies, media, polls, places) read as the producer reads them, encoded as it encodes them,
// appended to a real spool, and the segment files' bytes divided by the records. The README's spool sizing is
// this script's output. Run: npx tsx producer-service/test/measure/spool-sizing.ts [posts]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeEvent } from "../../../events/index.js";
import { RICH_MIX, renderStream } from "../../../local/x-emulator/index.js";
import { Spool } from "../../spool/index.js";
import { parseStreamMessage } from "../../x-stream/message-parser.js";

const posts = Number(process.argv[2] ?? 20_000);
const GIB = 1024 ** 3;
const receivedAt = new Date().toISOString();
const lines = renderStream(posts, 1, RICH_MIX).toString("utf8").split("\r\n").slice(0, -1);
const records = lines.map((line) => {
  const parsed = parseStreamMessage(line, receivedAt);
  if (parsed.kind !== "tweet") throw new Error("input not read as a post");
  return { partitionKey: parsed.event.id, data: encodeEvent(parsed.event), receivedAt: Date.now() };
});
const dir = await mkdtemp(join(tmpdir(), "spool-sizing-"));
try {
  const spool = await Spool.open({ dir: join(dir, "spool"), maxBytes: GIB });
  for (let i = 0; i < records.length; i += 500) await spool.append(records.slice(i, i + 500));
  const { bytes, records: stored } = spool.stats();
  await spool.close();
  const dataBytes = records.map((r) => r.data.length).sort((a, b) => a - b);
  const perRecord = bytes / stored;
  console.log(
    JSON.stringify({
      posts: stored,
      medianRecordBytes: dataBytes[Math.floor(dataBytes.length / 2)],
      meanRecordBytes: Math.round(dataBytes.reduce((sum, n) => sum + n, 0) / dataBytes.length),
      spoolBytesPerRecord: Math.round(perRecord),
      recordsPerGiB: Math.round(GIB / perRecord),
      minutesPerGiBAt1000PerSecond: Math.round(GIB / perRecord / 1000 / 60),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
