import { type AttributeValue, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { isReservedPartition } from "./checkpoint.js";
import type { ScanChunk, ScannedPost, ScanPosition } from "./ports.js";
import { referencesOf } from "./references.js";

/** Items per Scan page: DynamoDB stops a page at 1 MB anyway; a bound keeps the per-job cap exact. */
const PAGE_LIMIT = 1000;

export interface ScanOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Adds the read capacity each page consumed (ReturnConsumedCapacity: TOTAL). */
  onReadUnits: (units: number) => void;
}

/**
 * A paginated parallel-segment Scan projecting the keys, `AuthorId`, and `Raw` with `Message` (to read the
 * posts and authors each record references: references.ts; a projection does not change the read units,
 * which count whole items, and only the references are kept, so the Lambda's memory stays small). Each
 * segment reads at most its share of `maxPosts`, so a chunk never exceeds X's ids per job, and remembers
 * its LastEvaluatedKey, so the next chunk (in this sweep or the next) continues where this one stopped. Each
 * page is retried by the client (throttling, 5xx, reset sockets) and cut at the deadline.
 */
export function createScanner(options: ScanOptions) {
  // The slowest page so far, in this sweep's rounds (a scanner per sweep): a page starts only if one as slow
  // would still end by `stopAt`.
  let slowestPageMs = 0;
  return async (
    position: ScanPosition,
    maxPosts: number,
    stopAt: number,
    deadline: number,
  ): Promise<ScanChunk> => {
    const total = position.segments.length;
    const share = Math.max(1, Math.floor(maxPosts / total));
    const results = await Promise.all(
      position.segments.map(async (segment, index) => {
        if (segment.done) return { posts: [] as ScannedPost[], next: segment };
        const posts: ScannedPost[] = [];
        let startKey = segment.startKey as Record<string, AttributeValue> | null;
        let read = 0;
        for (;;) {
          // No page starts that would end after `stopAt` were it as slow as the slowest so far: the round keeps
          // what was read (its position is exact) and leaves time to store its uploads; the rest of the
          // segment goes to the next round.
          if (Date.now() + slowestPageMs >= stopAt)
            return { posts, next: { done: false as const, startKey } };
          const pageStarted = Date.now();
          const page = await options.client.send(
            new ScanCommand({
              TableName: options.tableName,
              Segment: index,
              TotalSegments: total,
              Limit: Math.min(PAGE_LIMIT, share - read),
              ExclusiveStartKey: startKey ?? undefined,
              ProjectionExpression: "#u, #i, #a, #r, #m",
              ExpressionAttributeNames: {
                "#u": "Username",
                "#i": "Id",
                "#a": "AuthorId",
                "#r": "Raw",
                "#m": "Message",
              },
              ReturnConsumedCapacity: "TOTAL",
            }),
            { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) },
          );
          slowestPageMs = Math.max(slowestPageMs, Date.now() - pageStarted);
          options.onReadUnits(page.ConsumedCapacity?.CapacityUnits ?? 0);
          for (const item of page.Items ?? []) {
            const Username = item.Username?.S;
            const Id = item.Id?.S;
            if (Username === undefined || Id === undefined || isReservedPartition(Username)) {
              read += 1;
              continue;
            }
            const AuthorId = item.AuthorId?.S ?? "";
            const refs = referencesOf(item, { id: Id, authorId: AuthorId });
            // A post counts for itself and its references (the ids it adds to the larger of the two jobs), so
            // no job gets more ids than its cap: the chunk ends before a post that would overfill it, at that
            // post's predecessor (a post of its own with more references than a share still goes in).
            const ids = 1 + Math.max(refs.posts.length, refs.users.length);
            if (read > 0 && read + ids > share) return { posts, next: { done: false as const, startKey } };
            read += ids;
            // Most posts reference nothing: no arrays kept for them (500,000 posts per round).
            posts.push(
              refs.posts.length + refs.users.length > 0
                ? { Username, Id, AuthorId, refs }
                : { Username, Id, AuthorId },
            );
            startKey = { Username: { S: Username }, Id: { S: Id } };
          }
          startKey = page.LastEvaluatedKey ?? null;
          if (startKey === null) return { posts, next: { done: true as const } };
          if (read >= share) return { posts, next: { done: false as const, startKey } };
        }
      }),
    );
    const segments = results.map((r) => r.next);
    return {
      // A post without an AuthorId (never written by the processor) still gets its post checked.
      posts: results.flatMap((r) => r.posts),
      position: { segments },
      done: segments.every((s) => s.done),
    };
  };
}
