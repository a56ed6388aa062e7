import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, vi } from "vitest";
import { encodeStoredRecord } from "../../../events/stored-record.js";
import { startDynalite } from "../../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../../local/emulators/listen.js";
import { lambdaContext } from "../../../local/esm-runner/stream-record.js";
import { createEventTable } from "../../../local/pipeline/aws-resources.js";
import { startXEmulator, type XEmulator } from "../../../local/x-emulator/index.js";
import { isReservedPartition } from "../../checkpoint.js";
import type { SweepSummary } from "../../summary.js";

let tables = 0;
const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

type Handler = (event: unknown, context: Context) => Promise<SweepSummary>;

export interface StoredPost {
  id: string;
  username: string;
  authorId: string;
  /** Stored with `Geo` and a Raw envelope holding data.geo and includes.places. */
  geo?: boolean;
  /** Posts it quotes or replies to, kept in its includes (`includes.tweets`, their authors in `includes.users`). */
  references?: { id: string; authorId: string; username: string }[];
  /** Raw stored Binary (events/stored-record.ts, as the processor writes it) instead of a String. */
  binary?: boolean;
  /** The post's text (default `text of <id>`). */
  text?: string;
}

/** The text of a stored post: its `Message`, and `text` in its Raw envelope. */
export const textOf = (post: StoredPost): string => post.text ?? `text of ${post.id}`;

export interface ComplianceEnvironment {
  x: XEmulator;
  dynamo: DynamoDBClient;
  tableName: string;
  /** Invokes the real handler module with a Lambda-shaped context of `timeoutMs`. */
  sweep(timeoutMs?: number): Promise<SweepSummary>;
  store(posts: readonly StoredPost[]): Promise<void>;
  /** Items outside the reserved partition, by key. */
  items(): Promise<Map<string, Record<string, AttributeValue>>>;
  reservedItems(): Promise<number>;
  close(): Promise<void>;
}

/** The Raw envelope (v2) of a post, as the processor stores it. */
export function rawEnvelope(post: StoredPost): string {
  return JSON.stringify({
    v: 2,
    id: post.id,
    text: textOf(post),
    data: {
      id: post.id,
      text: textOf(post),
      author_id: post.authorId,
      ...(post.references
        ? { referenced_tweets: post.references.map((r) => ({ type: "quoted", id: r.id })) }
        : {}),
      ...(post.geo
        ? { geo: { place_id: "01a9a39529b27f36", coordinates: { type: "Point", coordinates: [1, 2] } } }
        : {}),
    },
    includes: {
      users: [
        { id: post.authorId, username: post.username, name: post.username },
        ...(post.references ?? []).map((r) => ({ id: r.authorId, username: r.username, name: r.username })),
      ],
      ...(post.references
        ? {
            tweets: post.references.map((r) => ({
              id: r.id,
              author_id: r.authorId,
              text: `text of ${r.id}`,
            })),
          }
        : {}),
      ...(post.geo ? { places: [{ id: "01a9a39529b27f36", full_name: "Manhattan, NY" }] } : {}),
    },
  });
}

/**
 * dynalite and the X emulator on loopback, the table as the stack creates it, and the real handler module
 * loaded fresh with its configuration in environment variables, as Lambda would run it.
 */
export async function startComplianceEnvironment(
  env: Record<string, string> = {},
  emulatorOptions: Parameters<typeof startXEmulator>[0] = {},
  /** The module to load as the handler: the source by default, or the built bundle. */
  load: () => Promise<unknown> = () => import("../../handler.js"),
  /** A DynamoDB engine already running (kept open on close), e.g. one DynamoDB Local per file; default: a new dynalite. */
  shared?: RunningEmulator,
): Promise<ComplianceEnvironment> {
  const dynalite: RunningEmulator = shared ?? (await startDynalite());
  // A table of its own on a shared engine.
  const TABLE = `tweetstream-EventData-${++tables}`;
  const x = await startXEmulator({ compliance: { processingMs: 50 }, ...emulatorOptions });
  const dynamo = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  });
  await createEventTable(dynamo, TABLE);
  const variables: Record<string, string> = {
    TABLE_NAME: TABLE,
    X_BEARER_TOKEN: x.bearerToken,
    X_API_BASE_URL: x.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    COMPLIANCE_POLL_INTERVAL_MS: "25",
    DEADLINE_SAFETY_MARGIN_MS: "500",
    LOG_LEVEL: "silent",
    ...env,
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  vi.resetModules();
  const { handler } = (await load()) as { handler: Handler };

  const scanAll = async () => {
    const all: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
      all.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return all;
  };

  return {
    x,
    dynamo,
    tableName: TABLE,
    sweep: (timeoutMs = 60_000) =>
      handler({}, lambdaContext("tweetstream-ComplianceSweeper", timeoutMs, REGION)),
    async store(posts) {
      const items = posts.map((post) => {
        const item: Record<string, AttributeValue> = {
          Username: { S: post.username },
          Id: { S: post.id },
          AuthorId: { S: post.authorId },
          Message: { S: textOf(post) },
          Raw: post.binary
            ? { B: encodeStoredRecord(rawEnvelope(post), textOf(post)) }
            : { S: rawEnvelope(post) },
        };
        if (post.geo)
          item.Geo = {
            M: { PlaceId: { S: "01a9a39529b27f36" }, Coordinates: { L: [{ N: "1" }, { N: "2" }] } },
          };
        return item;
      });
      for (let i = 0; i < items.length; i += 25) {
        let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = (out.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
        }
      }
    },
    async items() {
      const items = (await scanAll()).filter((item) => !isReservedPartition(item.Username?.S ?? ""));
      return new Map(items.map((item) => [`${item.Username?.S}/${item.Id?.S}`, item]));
    },
    async reservedItems() {
      return (await scanAll()).filter((item) => isReservedPartition(item.Username?.S ?? "")).length;
    },
    async close() {
      vi.unstubAllEnvs();
      dynamo.destroy();
      await Promise.all([x.close(), shared ? undefined : dynalite.close()]);
    },
  };
}

/**
 * One DynamoDB engine for the file (a JVM start is slow), started before its tests and closed after them;
 * call inside a describe block (describeOnEngines' body). Each test makes a table of its own on it.
 */
export function useEngine(start: () => Promise<RunningEmulator>): () => RunningEmulator {
  let engine: RunningEmulator | undefined;
  beforeAll(async () => {
    engine = await start();
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
  });
  return () => {
    if (engine === undefined) throw new Error("the engine is not started yet (use it inside a test)");
    return engine;
  };
}
