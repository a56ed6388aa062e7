import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { type BackoffPolicy, DEFAULT_BACKOFF, fullJitterDelay, sleep } from "../lambda-support/backoff.js";
import { mapWithConcurrency } from "../lambda-support/concurrency.js";
import { describeError, isRetryableWriteError } from "../lambda-support/sdk-errors.js";

/** BatchWriteItem's limit. */
export const MAX_BATCH_WRITE_ITEMS = 25;

export interface BatchWriterOptions {
  /** Built with `maxAttempts: 1`: the writer retries itself, within the invocation's deadline. */
  client: DynamoDBClient;
  tableName: string;
  concurrency: number;
  maxAttempts: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export interface BatchWriteOutcome {
  /** Requests not taken, each with the last reason. */
  failed: { request: WriteRequest; reason: string }[];
  retries: number;
}

/** The key a write request acts on, to find it again among UnprocessedItems. */
function requestKey(request: WriteRequest): string {
  const key: Record<string, AttributeValue> | undefined =
    request.DeleteRequest?.Key ?? request.PutRequest?.Item;
  return `${key?.Username?.S ?? ""}\u0000${key?.Id?.S ?? ""}`;
}

/**
 * BatchWriteItem in chunks of 25, `concurrency` at a time, each chunk retrying UnprocessedItems and
 * retryable errors with full-jitter backoff until taken, out of attempts or out of time: the processor's
 * writer, copied rather than imported (deployables never import each other) and for deletes as well as puts.
 * Both are idempotent, so an entry that cannot be matched keeps the whole chunk pending.
 */
export function createBatchWriter(options: BatchWriterOptions) {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;

  async function writeChunk(chunk: readonly WriteRequest[], deadline: number): Promise<BatchWriteOutcome> {
    let pending: WriteRequest[] = [...chunk];
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
          new BatchWriteItemCommand({ RequestItems: { [options.tableName]: pending } }),
          { abortSignal: AbortSignal.timeout(remaining) },
        );
        const unprocessed = out.UnprocessedItems?.[options.tableName] ?? [];
        const byKey = new Map(pending.map((request) => [requestKey(request), request]));
        const matched = unprocessed.flatMap((u) => {
          const own = byKey.get(requestKey(u));
          return own ? [own] : [];
        });
        if (matched.length < unprocessed.length) {
          reason = `UnprocessedItems (${unprocessed.length} requests, ${unprocessed.length - matched.length} not recognised)`;
        } else {
          pending = matched;
          if (pending.length === 0) break;
          reason = `UnprocessedItems (${pending.length} requests)`;
        }
      } catch (err) {
        const name = (err as Error).name;
        // Only our own deadline timer ends the chunk: the SDK also names a reset keep-alive socket
        // (ECONNRESET) a TimeoutError, and that is a network failure worth another attempt.
        if ((name === "AbortError" || name === "TimeoutError") && Date.now() >= deadline) {
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
    return { failed: pending.map((request) => ({ request, reason })), retries };
  }

  return async (requests: readonly WriteRequest[], deadline: number): Promise<BatchWriteOutcome> => {
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += MAX_BATCH_WRITE_ITEMS)
      chunks.push(requests.slice(i, i + MAX_BATCH_WRITE_ITEMS));
    const results = await mapWithConcurrency(chunks, options.concurrency, (c) => writeChunk(c, deadline));
    return {
      failed: results.flatMap((r) => r.failed),
      retries: results.reduce((sum, r) => sum + r.retries, 0),
    };
  };
}

export type BatchWriter = ReturnType<typeof createBatchWriter>;
