// Measures one compliance sweep against dynalite and the X emulator for tables of 10,000 and 100,000 posts:
// wall time, DynamoDB read units (ReturnConsumedCapacity), items removed by reason, and that exactly the
// expected items went. A benchmark, not a test: `npx tsx compliance/test/measure/sweep-bench.ts [posts...]`.
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { pino } from "pino";
import { startDynalite } from "../../../local/emulators/dynalite.js";
import { createEventTable } from "../../../local/pipeline/aws-resources.js";
import { startXEmulator } from "../../../local/x-emulator/index.js";
import { isReservedPartition } from "../../checkpoint.js";
import { loadConfig } from "../../config.js";
import { createSweeper } from "../../sweeper.js";
import { rawEnvelope } from "../support/environment.js";

const TABLE = "bench-EventData";
const AUTHORS = 2_000;
const MAX_POSTS = 100_000;
const SIZES = (process.argv.slice(2).length > 0 ? process.argv.slice(2).map(Number) : [10_000, 100_000]).map(
  (n) => Math.min(n, MAX_POSTS),
);

interface Post {
  id: string;
  username: string;
  authorId: string;
  geo: boolean;
}

function postsFor(n: number): Post[] {
  return Array.from({ length: n }, (_, i) => {
    const author = i % AUTHORS;
    return {
      id: String(1_900_000_000_000_000_000n + BigInt(i)),
      username: `user_${author}`,
      authorId: String(10_000 + author),
      geo: i % 50 === 7,
    };
  });
}

async function load(dynamo: DynamoDBClient, posts: readonly Post[]): Promise<void> {
  const item = (p: Post): Record<string, AttributeValue> => ({
    Username: { S: p.username },
    Id: { S: p.id },
    AuthorId: { S: p.authorId },
    Timestamp: { S: "2026-11-30T00:00:00.000Z" },
    Message: { S: `post ${p.id} `.repeat(12) },
    Raw: { S: rawEnvelope({ id: p.id, username: p.username, authorId: p.authorId, geo: p.geo }) },
    ...(p.geo ? { Geo: { M: { PlaceId: { S: "01a9a39529b27f36" } } } } : {}),
  });
  const chunks: Post[][] = [];
  for (let i = 0; i < posts.length; i += 25) chunks.push(posts.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] ?? [];
        let requests = chunk.map((p) => ({ PutRequest: { Item: item(p) } }));
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

async function measure(n: number) {
  const dynalite = await startDynalite();
  const x = await startXEmulator({ compliance: { processingMs: 200 } });
  const dynamo = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "b", secretAccessKey: "b" },
  });
  try {
    await createEventTable(dynamo, TABLE);
    const posts = postsFor(n);
    const loadStart = performance.now();
    await load(dynamo, posts);
    const loadMs = performance.now() - loadStart;
    // 1% of posts deleted; authors 0-9 suspended, 10-14 protected, 15-19 deactivated (1% of posts); geo scrubbed on a third of geo posts.
    const expectedGone = new Set<string>();
    posts.forEach((p, i) => {
      if (i % 100 === 3) {
        x.compliance.deletePost(p.id);
        expectedGone.add(`${p.username}/${p.id}`);
      }
      if (p.geo && i % 150 === 7) x.compliance.scrubGeo(p.id);
    });
    for (let a = 0; a < 20; a++)
      x.compliance.setAccountState(
        String(10_000 + a),
        a < 10 ? "suspended" : a < 15 ? "protected" : "deactivated",
      );
    for (const p of posts) if (Number(p.authorId) < 10_020) expectedGone.add(`${p.username}/${p.id}`);

    const config = loadConfig({
      TABLE_NAME: TABLE,
      X_BEARER_TOKEN: x.bearerToken,
      X_API_BASE_URL: x.url,
      COMPLIANCE_POLL_INTERVAL_MS: "100",
    });
    const sweep = createSweeper({
      config,
      bearerToken: async () => x.bearerToken,
      logger: pino({ level: "warn" }),
      dynamo,
    });
    const rss0 = process.memoryUsage().rss;
    const summary = await sweep(Date.now() + 3_600_000);
    const left = await remainingKeys(dynamo);
    const wronglyKept = [...expectedGone].filter((k) => left.has(k)).length;
    const wronglyRemoved = posts.length - expectedGone.size - left.size + wronglyKept;
    return {
      posts: n,
      loadSeconds: +(loadMs / 1000).toFixed(1),
      rssDeltaMb: Math.round((process.memoryUsage().rss - rss0) / 1e6),
      ...summary,
      wronglyKept,
      wronglyRemoved,
    };
  } finally {
    dynamo.destroy();
    await Promise.all([x.close(), dynalite.close()]);
  }
}

for (const n of SIZES) {
  const r = await measure(n);
  console.log(JSON.stringify(r));
}
