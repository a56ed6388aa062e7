import { type AttributeValue, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { BatchWriter } from "./batch-writes.js";
import { createScanner } from "./dynamodb-scan.js";
import { createDynamoState, type DynamoStateOptions } from "./dynamodb-state.js";
import { GEO_SCRUB_ATTRIBUTES, planGeoScrub } from "./geo-scrub.js";
import type { GeoScrubOutcome, ItemKey, PruneOutcome, TablePort } from "./ports.js";
import { prunedRaw, REFERENCE_ATTRIBUTES } from "./references.js";

/** The state adapter's options (client, table, deadlines, read units), with a batch writer for each of the two. */
export interface DynamoTableOptions extends Omit<DynamoStateOptions, "write"> {
  /** The batch writer for posts: deletes and scrubs. */
  write: BatchWriter;
  /** The batch writer for the sweeper's own state, with its own retry budget. */
  stateWrite: BatchWriter;
}

/**
 * The table adapter: Scan, Query, BatchWriteItem and UpdateItem only (what the role allows); the sweeper's own
 * state is `dynamodb-state.ts`.
 */
export function createDynamoTable(options: DynamoTableOptions): TablePort {
  const { client, tableName, onReadUnits } = options;
  const cutAtDeadline = () => ({
    abortSignal: AbortSignal.timeout(Math.max(1, options.readDeadline - Date.now())),
  });

  async function query(input: {
    username: string;
    id?: string;
    authorId?: string;
    attributes: string[];
  }): Promise<Record<string, AttributeValue>[]> {
    // Eventually consistent (half the read units): an item written a moment ago is found by the next sweep,
    // and a scrub's UpdateItem is conditional on the Raw it read, so a stale read is a conflict, never a loss.
    const names: Record<string, string> = { "#u": "Username", "#i": "Id" };
    const values: Record<string, AttributeValue> = { ":u": { S: input.username } };
    let condition = "#u = :u";
    if (input.id !== undefined) {
      condition += " AND #i = :i";
      values[":i"] = { S: input.id };
    }
    let filter: string | undefined;
    if (input.authorId !== undefined) {
      filter = "#a = :a";
      names["#a"] = "AuthorId";
      values[":a"] = { S: input.authorId };
    }
    input.attributes.forEach((name, i) => {
      names[`#p${i}`] = name;
    });
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: condition,
          FilterExpression: filter,
          ProjectionExpression: ["#u", "#i", ...input.attributes.map((_, i) => `#p${i}`)].join(", "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: start,
          ConsistentRead: false,
          ReturnConsumedCapacity: "TOTAL",
        }),
        cutAtDeadline(),
      );
      onReadUnits(page.ConsumedCapacity?.CapacityUnits ?? 0);
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  const keyOf = (item: Record<string, AttributeValue>): ItemKey => ({
    Username: item.Username?.S ?? "",
    Id: item.Id?.S ?? "",
  });
  const wireKey = (key: ItemKey) => ({ Username: { S: key.Username }, Id: { S: key.Id } });

  return {
    ...createDynamoState({ ...options, write: options.stateWrite }),
    scanChunk: createScanner({ client, tableName, onReadUnits }),

    async deleteItems(keys, deadline) {
      const { unwritten, cutByDeadline } = await options.write(
        keys.map((key) => ({ DeleteRequest: { Key: wireKey(key) } })),
        deadline,
      );
      return {
        deleted: keys.length - unwritten.length,
        failed: unwritten.map((f) => ({ key: keyOf(f.request.DeleteRequest?.Key ?? {}), reason: f.reason })),
        ...(cutByDeadline ? { cutByDeadline } : {}),
      };
    },

    async itemsOfAuthor(username, authorId) {
      return (await query({ username, authorId, attributes: [] })).map(keyOf);
    },

    async pruneIncludes(key, prune): Promise<PruneOutcome> {
      const [item] = await query({
        username: key.Username,
        id: key.Id,
        attributes: [...REFERENCE_ATTRIBUTES],
      });
      if (item?.Raw === undefined) return "absent";
      const raw = prunedRaw(item, prune);
      if (raw === undefined) return "unchanged";
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: wireKey(key),
            UpdateExpression: "SET #r = :new",
            // As the geo scrub: a rewrite by the processor meanwhile is left to the next sweep, never overwritten.
            ConditionExpression: "#r = :old",
            ExpressionAttributeNames: { "#r": "Raw" },
            ExpressionAttributeValues: { ":old": item.Raw, ":new": raw },
          }),
          cutAtDeadline(),
        );
        return "pruned";
      } catch (err) {
        if ((err as Error).name === "ConditionalCheckFailedException") return "conflict";
        throw err;
      }
    },

    async scrubGeo(key): Promise<GeoScrubOutcome> {
      const [item] = await query({
        username: key.Username,
        id: key.Id,
        attributes: [...GEO_SCRUB_ATTRIBUTES],
      });
      if (item === undefined) return "absent";
      // Raw in either form (Binary, or a String in items written before the encoding): see geo-scrub.ts.
      let plan: ReturnType<typeof planGeoScrub>;
      try {
        plan = planGeoScrub(item);
      } catch {
        // A Raw no reader knows (a corrupt value, a newer format): one item must not stop every later change.
        return "unreadable";
      }
      if (plan === "no-geo") return "no-geo";
      try {
        await client.send(
          new UpdateItemCommand({ TableName: tableName, Key: wireKey(key), ...plan }),
          cutAtDeadline(),
        );
        return "scrubbed";
      } catch (err) {
        if ((err as Error).name === "ConditionalCheckFailedException") return "conflict";
        throw err;
      }
    },
  };
}
