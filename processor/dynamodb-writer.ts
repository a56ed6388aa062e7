import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type BackoffPolicy, DEFAULT_BACKOFF, fullJitterDelay, sleep } from "./backoff.js";
import { mapWithConcurrency } from "./concurrency.js";
import type { ItemWriter, WriteResult } from "./ports.js";
import { describeError, isRetryableWriteError } from "./sdk-errors.js";
import { itemKey, type TweetItem } from "./tweet-item.js";

/** BatchWriteItem's limit. */
export const MAX_BATCH_WRITE_ITEMS = 25;

export interface DynamoDbWriterOptions {
  /** Should be built with `maxAttempts: 1`: this writer retries itself, within the invocation's deadline. */
  client: DynamoDBDocumentClient;
  tableName: string;
  concurrency: number;
  maxAttempts: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

/**
 * The DynamoDB adapter: BatchWriteItem in chunks of 25, `concurrency` chunks at a time. Each chunk retries
 * its UnprocessedItems and retryable errors with full-jitter backoff until written, out of attempts, or
 * the deadline; in-flight calls are aborted at the deadline. Puts are idempotent (same key, same item).
 */
export function createDynamoDbWriter(options: DynamoDbWriterOptions): ItemWriter {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;

  async function writeChunk(chunk: readonly TweetItem[], deadline: number): Promise<WriteResult> {
    const byKey = new Map(chunk.map((item) => [itemKey(item), item]));
    let pending: TweetItem[] = [...chunk];
    let reason = "";
    let retries = 0;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        reason = `deadline reached${reason ? ` after ${reason}` : " before the write"}`;
        break;
      }
      try {
        const out = await options.client.send(
          new BatchWriteCommand({
            RequestItems: { [options.tableName]: pending.map((Item) => ({ PutRequest: { Item } })) },
          }),
          { abortSignal: AbortSignal.timeout(remaining) },
        );
        const unprocessed = out.UnprocessedItems?.[options.tableName] ?? [];
        // UnprocessedItems come back unmarshalled copies: find our own items again by key.
        pending = unprocessed.flatMap((request) => {
          const item = request.PutRequest?.Item && byKey.get(itemKey(request.PutRequest.Item as TweetItem));
          return item ? [item] : [];
        });
        if (pending.length === 0) break;
        reason = `UnprocessedItems (${pending.length} items)`;
      } catch (err) {
        if ((err as Error).name === "AbortError" || (err as Error).name === "TimeoutError") {
          reason = "deadline reached during the write";
          break;
        }
        reason = describeError(err);
        if (!isRetryableWriteError(err)) break;
      }
      if (attempt >= options.maxAttempts) {
        reason = `${reason}, after ${attempt} attempts`;
        break;
      }
      const delay = fullJitterDelay(attempt, backoff, random);
      if (Date.now() + delay >= deadline) {
        reason = `${reason}, no time left to retry`;
        break;
      }
      await sleep(delay);
      retries += 1;
    }
    return { unwritten: pending.map((item) => ({ item, reason })), retries };
  }

  return async (items, { deadline }) => {
    const chunks: TweetItem[][] = [];
    for (let i = 0; i < items.length; i += MAX_BATCH_WRITE_ITEMS)
      chunks.push(items.slice(i, i + MAX_BATCH_WRITE_ITEMS));
    const results = await mapWithConcurrency(chunks, options.concurrency, (chunk) =>
      writeChunk(chunk, deadline),
    );
    return {
      unwritten: results.flatMap((r) => r.unwritten),
      retries: results.reduce((sum, r) => sum + r.retries, 0),
    };
  };
}
