import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type BackoffPolicy, DEFAULT_BACKOFF, fullJitterDelay, sleep } from "./backoff.js";
import { mapWithConcurrency } from "./concurrency.js";
import type { ItemWriter, WriteResult } from "./ports.js";
import { describeError, isRetryableWriteError } from "./sdk-errors.js";
import { itemKey, type TweetItem } from "./tweet-item.js";

/** BatchWriteItem's limit. */
export const MAX_BATCH_WRITE_ITEMS = 25;

export interface DynamoDbWriterOptions {
  /** Should be built with `maxAttempts: 1`: this writer retries itself, within the invocation's deadline. */
  client: DynamoDBClient;
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
    // Built only when DynamoDB hands items back: most calls write everything.
    let byKey: Map<string, TweetItem> | undefined;
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
          new BatchWriteItemCommand({
            RequestItems: {
              [options.tableName]: pending.map((item) => ({ PutRequest: { Item: toAttributeValues(item) } })),
            },
          }),
          { abortSignal: AbortSignal.timeout(remaining) },
        );
        const unprocessed = out.UnprocessedItems?.[options.tableName] ?? [];
        // UnprocessedItems come back as copies in the wire format: find our own items again by key.
        if (unprocessed.length > 0) byKey ??= new Map(chunk.map((item) => [itemKey(item), item]));
        const matched = unprocessed.flatMap((request) => {
          const key = request.PutRequest?.Item;
          const item = key && byKey?.get(itemKey({ Username: key.Username?.S ?? "", Id: key.Id?.S ?? "" }));
          return item ? [item] : [];
        });
        // An entry we cannot match must not count as written: retry everything still pending (puts are
        // idempotent) rather than guess.
        if (matched.length < unprocessed.length) {
          reason = `UnprocessedItems (${unprocessed.length} items, ${unprocessed.length - matched.length} not recognised)`;
        } else {
          pending = matched;
          if (pending.length === 0) break;
          reason = `UnprocessedItems (${pending.length} items)`;
        }
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

/**
 * The item in DynamoDB's wire format. Written out instead of going through lib-dynamodb's DocumentClient:
 * the item has one fixed shape of strings and a list of strings, and the generic marshaller was about 6% of
 * the processor's CPU per record. It produces what the DocumentClient would (an empty list stays `{ L: [] }`,
 * an absent Lang stays absent).
 */
export function toAttributeValues(item: TweetItem): Record<string, AttributeValue> {
  const wire: Record<string, AttributeValue> = {
    Username: { S: item.Username },
    Id: { S: item.Id },
    Timestamp: { S: item.Timestamp },
    Message: { S: item.Message },
    AuthorId: { S: item.AuthorId },
    AuthorName: { S: item.AuthorName },
    MatchingRules: { L: item.MatchingRules.map((rule) => ({ S: rule })) },
    ReceivedAt: { S: item.ReceivedAt },
    ProcessedAt: { S: item.ProcessedAt },
  };
  if (item.Lang !== undefined) wire.Lang = { S: item.Lang };
  return wire;
}
