import { gunzipSync, gzipSync } from "node:zlib";
import { type AttributeValue, type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { mapWithConcurrency } from "../lambda-support/concurrency.js";
import type { BatchWriter } from "./batch-writes.js";
import { RESERVED_PARTITION } from "./checkpoint.js";
import { type StatePort, UploadMissing } from "./ports.js";

/**
 * Lines per stored upload item: 10,000 lines of `<id>\t<username>` are ~300 KB of text and ~80 KB gzipped,
 * far below DynamoDB's 400 KB item limit and 80 write units each.
 */
export const LINES_PER_UPLOAD_ITEM = 10_000;
/** Uploads no round still needs (a store retried after a failure may leave some) expire by TTL. */
const UPLOAD_TTL_SECONDS = 30 * 24 * 3600;
/** Upload items read at once when a round's lines are loaded back. */
const LOAD_CONCURRENCY = 8;

export interface DynamoStateOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The batch writer for the sweeper's own state: a retry budget of its own (STATE_WRITE_MAX_ATTEMPTS). */
  write: BatchWriter;
  /** Epoch ms by which state writes must be done (the sweep's deadline and half its safety margin). */
  deadline: () => number;
  /** Epoch ms at which a read (and its retries) is cut: the sweep's deadline. */
  readDeadline: number;
  onReadUnits: (units: number) => void;
}

/**
 * The sweeper's own state in the table: the checkpoint under `#compliance`, and each upload chunk under a
 * partition key of its own (`#compliance#<name>#<round>#<type>#<n>`), gzipped. One round of 500,000 ids is
 * 50 items of ~80 KB on 50 partition keys, instead of 50 items of ~340 KB under one key (a hot partition:
 * DynamoDB gives one key 1,000 write units per second). The checkpoint records how many chunks each job has,
 * so loading and dropping them needs no scan of the partition.
 */
export function createDynamoState(options: DynamoStateOptions): StatePort {
  const { client, tableName } = options;
  const chunkKey = (key: string, n: number) => ({
    Username: { S: `${RESERVED_PARTITION}#${key}#${String(n).padStart(6, "0")}` },
    Id: { S: "upload" },
  });

  async function read(username: string, id: string, attribute: string) {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "#u = :u AND #i = :i",
        ProjectionExpression: "#a",
        ExpressionAttributeNames: { "#u": "Username", "#i": "Id", "#a": attribute },
        ExpressionAttributeValues: { ":u": { S: username }, ":i": { S: id } },
        // The item may have been written a moment ago, by this very sweep.
        ConsistentRead: true,
        ReturnConsumedCapacity: "TOTAL",
      }),
      { abortSignal: AbortSignal.timeout(Math.max(1, options.readDeadline - Date.now())) },
    );
    options.onReadUnits(page.ConsumedCapacity?.CapacityUnits ?? 0);
    return page.Items?.[0]?.[attribute];
  }

  async function write(requests: Parameters<BatchWriter>[0], what: string): Promise<void> {
    const { unwritten } = await options.write(requests, options.deadline());
    if (unwritten.length > 0) throw new Error(`compliance ${what} not written: ${unwritten[0]?.reason}`);
  }

  return {
    async loadCheckpoint(name) {
      return (await read(RESERVED_PARTITION, `checkpoint#${name}`, "State"))?.S;
    },

    async saveCheckpoint(name, state) {
      const Item = {
        Username: { S: RESERVED_PARTITION },
        Id: { S: `checkpoint#${name}` },
        State: { S: state },
      };
      await write([{ PutRequest: { Item } }], "checkpoint");
    },

    async storeUploaded(key, lines) {
      const expiresAt = String(Math.floor(Date.now() / 1000) + UPLOAD_TTL_SECONDS);
      const items: Record<string, AttributeValue>[] = [];
      for (let n = 0; n * LINES_PER_UPLOAD_ITEM < lines.length; n++) {
        const part = lines.slice(n * LINES_PER_UPLOAD_ITEM, (n + 1) * LINES_PER_UPLOAD_ITEM);
        items.push({
          ...chunkKey(key, n),
          Lines: { B: gzipSync(part.join("\n")) },
          ExpiresAt: { N: expiresAt },
        });
      }
      await write(
        items.map((Item) => ({ PutRequest: { Item } })),
        "stored uploads",
      );
      return items.length;
    },

    async loadUploaded(key, chunks) {
      const parts = await mapWithConcurrency(
        Array.from({ length: chunks }, (_, n) => n),
        LOAD_CONCURRENCY,
        async (n) => {
          const lines = await read(chunkKey(key, n).Username.S, "upload", "Lines");
          if (lines?.B === undefined)
            throw new UploadMissing(`stored upload ${n + 1} of ${chunks} is missing`);
          return gunzipSync(lines.B).toString("utf8").split("\n");
        },
      );
      return parts.flat();
    },

    async dropVersion1Uploads(name) {
      const keys: Record<string, AttributeValue>[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "#u = :u AND begins_with(#i, :p)",
            ProjectionExpression: "#u, #i",
            ExpressionAttributeNames: { "#u": "Username", "#i": "Id" },
            ExpressionAttributeValues: { ":u": { S: RESERVED_PARTITION }, ":p": { S: `upload#${name}#` } },
            ExclusiveStartKey: start,
            ReturnConsumedCapacity: "TOTAL",
          }),
          { abortSignal: AbortSignal.timeout(Math.max(1, options.readDeadline - Date.now())) },
        );
        options.onReadUnits(page.ConsumedCapacity?.CapacityUnits ?? 0);
        for (const item of page.Items ?? [])
          keys.push({ Username: { S: item.Username?.S ?? "" }, Id: { S: item.Id?.S ?? "" } });
        start = page.LastEvaluatedKey;
      } while (start);
      await write(
        keys.map((Key) => ({ DeleteRequest: { Key } })),
        "version 1 uploads (drop)",
      );
      return keys.length;
    },

    async dropUploaded(key, chunks) {
      const keys = Array.from({ length: chunks }, (_, n) => chunkKey(key, n));
      await write(
        keys.map((Key) => ({ DeleteRequest: { Key } })),
        "stored uploads (drop)",
      );
    },
  };
}
