// Measures whole compliance passes against dynalite and the X emulator: `npm run measure:compliance [posts...]`
// (default 100,000). Each sweep runs as Lambda would (sweep-invocation.ts: the handler, a 15-minute context, a
// process of its own, its RSS sampled by a worker thread, so the peak is the sweeper's), sweeps follow until one reports its pass complete,
// and the table is then checked: exactly the expected items went. DynamoDB units are what dynalite reports
// for the sweeper's calls (a metering endpoint asks for ConsumedCapacity on each). Not part of `npm test`.
import { spawn } from "node:child_process";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { encodeStoredRecord } from "../../../events/stored-record.js";
import { startDynalite } from "../../../local/emulators/dynalite.js";
import { createEventTable } from "../../../local/pipeline/aws-resources.js";
import { startXEmulator } from "../../../local/x-emulator/index.js";
import { isReservedPartition } from "../../checkpoint.js";
import { startDynamoFaults } from "../support/dynamo-faults.js";
import { rawEnvelope, type StoredPost, textOf } from "../support/environment.js";

const TABLE = "bench-EventData";
const AUTHORS = 2_000;
const MAX_SWEEPS = 12;
const SIZES = process.argv.slice(2).length > 0 ? process.argv.slice(2).map(Number) : [100_000];
const CREDENTIALS = { accessKeyId: "b", secretAccessKey: "b" };

/**
 * Post `i` of the table: 2,000 authors, a geo post in 50, a text of 200 characters, and, as a filtered stream
 * delivers them, 30% retweets, 10% quotes and 20% replies: each keeps the post it references (half of them
 * posts of the table, half posts stored nowhere else) and its author in its includes, so the sweeper uploads
 * their ids too.
 */
const postAt = (i: number): StoredPost => {
  const author = i % AUTHORS;
  const id = String(1_900_000_000_000_000_000n + BigInt(i));
  const kind = i % 10;
  const referenced = i % 20 < 10 ? String(1_900_000_000_000_000_000n + BigInt(i >> 1)) : `17${id.slice(2)}`;
  const referencedAuthor = (i * 7) % AUTHORS;
  return {
    id,
    username: `user_${author}`,
    authorId: String(10_000 + author),
    geo: i % 50 === 7,
    binary: true,
    text: `${kind < 3 ? "RT @someone: " : ""}post ${id} `.padEnd(200, "lorem ipsum "),
    ...(kind < 6
      ? {
          references: [
            {
              id: referenced,
              authorId: String(10_000 + referencedAuthor),
              username: `user_${referencedAuthor}`,
            },
          ],
        }
      : {}),
  };
};
const keyOf = (p: { username: string; id: string }) => `${p.username}/${p.id}`;

async function load(dynamo: DynamoDBClient, n: number): Promise<void> {
  // As the processor writes the fields the sweeper reads: Raw Binary (events/stored-record.ts), Message the text.
  const item = (i: number): Record<string, AttributeValue> => {
    const p = postAt(i);
    return {
      Username: { S: p.username },
      Id: { S: p.id },
      AuthorId: { S: p.authorId },
      Timestamp: { S: "2026-11-30T00:00:00.000Z" },
      Message: { S: textOf(p) },
      Raw: { B: encodeStoredRecord(rawEnvelope(p), textOf(p)) },
      ...(p.geo ? { Geo: { M: { PlaceId: { S: "01a9a39529b27f36" } } } } : {}),
    };
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        const from = next;
        next = Math.min(n, next + 25);
        let requests = Array.from({ length: next - from }, (_, k) => ({
          PutRequest: { Item: item(from + k) },
        }));
        while (requests.length > 0) {
          const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = (out.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
        }
      }
    }),
  );
}

async function remainingKeys(dynamo: DynamoDBClient): Promise<Set<string>> {
  const keys = new Set<string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start, ProjectionExpression: "Username, Id" }),
    );
    for (const i of page.Items ?? [])
      if (!isReservedPartition(i.Username?.S ?? "")) keys.add(`${i.Username?.S}/${i.Id?.S}`);
    start = page.LastEvaluatedKey;
  } while (start);
  return keys;
}

interface Invocation {
  ms: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  summary: {
    passCompleted: boolean;
    errors: number;
    itemsDeleted: number;
    postsScanned: number;
    readUnits: number;
  };
}

/** One sweep in a child process, as one Lambda invocation. */
function invoke(env: Record<string, string>): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./sweep-invocation.ts", import.meta.url).pathname],
      {
        // SWEEP_NODE_OPTIONS sizes the heap as Lambda's Node runtime does for a memory size M (when NODE_OPTIONS
        // sets neither): --max-semi-space-size=M/20 --max-old-space-size=M-M/10, e.g. 25 and 461 at 512 MB.
        env: { ...process.env, ...env, NODE_OPTIONS: process.env.SWEEP_NODE_OPTIONS ?? "" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (line) resolve(JSON.parse(line.slice(7)) as Invocation);
      else reject(new Error(`sweep exited ${code} without a result`));
    });
  });
}

async function measure(n: number) {
  const dynalite = await startDynalite();
  const meter = await startDynamoFaults(dynalite.endpoint, { meter: true });
  const x = await startXEmulator({ compliance: { processingMs: 1_000 } });
  const dynamo = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: CREDENTIALS,
  });
  try {
    await createEventTable(dynamo, TABLE);
    const loadStart = performance.now();
    await load(dynamo, n);
    const loadSeconds = +((performance.now() - loadStart) / 1000).toFixed(1);
    // 1% of posts deleted; authors 0-9 suspended, 10-14 protected, 15-19 deactivated (1% of posts); geo
    // scrubbed on a third of the geo posts.
    const expectedGone = new Set<string>();
    for (let i = 0; i < n; i++) {
      const p = postAt(i);
      if (i % 100 === 3) {
        x.compliance.deletePost(p.id);
        expectedGone.add(keyOf(p));
      }
      if (p.geo && i % 150 === 7) x.compliance.scrubGeo(p.id);
      if (Number(p.authorId) < 10_020) expectedGone.add(keyOf(p));
    }
    for (let a = 0; a < 20; a++)
      x.compliance.setAccountState(
        String(10_000 + a),
        a < 10 ? "suspended" : a < 15 ? "protected" : "deactivated",
      );

    const env = {
      TABLE_NAME: TABLE,
      X_BEARER_TOKEN: x.bearerToken,
      X_API_BASE_URL: x.url,
      AWS_ENDPOINT_URL_DYNAMODB: meter.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      COMPLIANCE_POLL_INTERVAL_MS: "1000",
      LOG_LEVEL: "warn",
    };
    const sweeps: Invocation[] = [];
    while (sweeps.length < MAX_SWEEPS && !sweeps.at(-1)?.summary.passCompleted)
      sweeps.push(await invoke(env));
    const left = await remainingKeys(dynamo);
    const wronglyKept = [...expectedGone].filter((k) => left.has(k)).length;
    const wronglyRemoved = n - expectedGone.size - left.size + wronglyKept;
    return {
      posts: n,
      loadSeconds,
      sweeps: sweeps.length,
      passCompleted: sweeps.at(-1)?.summary.passCompleted ?? false,
      sweepSeconds: sweeps.map((s) => +(s.ms / 1000).toFixed(1)),
      longestSweepSeconds: +(Math.max(...sweeps.map((s) => s.ms)) / 1000).toFixed(1),
      peakRssMb: Math.max(...sweeps.map((s) => s.peakRssMb)),
      peakHeapUsedMb: Math.max(...sweeps.map((s) => s.peakHeapUsedMb)),
      readUnits: Math.round(meter.units().read),
      writeUnits: Math.round(meter.units().write),
      itemsDeleted: sweeps.reduce((sum, s) => sum + s.summary.itemsDeleted, 0),
      errors: sweeps.reduce((sum, s) => sum + s.summary.errors, 0),
      expectedGone: expectedGone.size,
      wronglyKept,
      wronglyRemoved,
    };
  } finally {
    dynamo.destroy();
    await Promise.all([x.close(), meter.close()]);
    await dynalite.close();
  }
}

for (const n of SIZES) console.log(JSON.stringify(await measure(n)));
