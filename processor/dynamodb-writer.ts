import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest as WireWriteRequest,
} from "@aws-sdk/client-dynamodb";
import { type BackoffPolicy, DEFAULT_BACKOFF, fullJitterDelay, sleep } from "../lambda-support/backoff.js";
import { mapWithConcurrency } from "../lambda-support/concurrency.js";
import { describeError, isRequestRejection, isRetryableWriteError } from "../lambda-support/sdk-errors.js";
import { isolateRejected, mergeWriteResults } from "./bisect-rejected.js";
import { toAttributeValues } from "./item-attributes.js";
import { type ItemWriter, requestKey, type WriteRequest, type WriteResult } from "./ports.js";
import { itemKey } from "./tweet-item.js";

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
 * the deadline; in-flight calls are aborted at the deadline. Puts are idempotent (same key, same item). A call
 * DynamoDB refuses as invalid is split until the one request it refuses is found (`rejected`); the rest is written.
 * A refusal naming the table's key schema is systemic: reported `unwritten` instead (every request refused alone
 * is judged over the whole batch by the core: `judgeSystemic`).
 */
export function createDynamoDbWriter(options: DynamoDbWriterOptions): ItemWriter {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;

  async function writeChunk(chunk: readonly WriteRequest[], deadline: number): Promise<WriteResult> {
    // Built only when DynamoDB hands requests back: most calls carry out everything.
    let byKey: Map<string, WriteRequest> | undefined;
    let pending: WriteRequest[] = [...chunk];
    let reason = "";
    let retries = 0;
    let cutByDeadline = false;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        reason = `deadline reached${reason ? ` after ${reason}` : " before the write"}`;
        cutByDeadline = true;
        break;
      }
      const deadlineSignal = AbortSignal.timeout(remaining);
      try {
        const out = await options.client.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [options.tableName]: pending.map(toWireRequest),
            },
          }),
          { abortSignal: deadlineSignal },
        );
        const unprocessed = out.UnprocessedItems?.[options.tableName] ?? [];
        // UnprocessedItems come back as copies in the wire format: find our own requests again by key.
        if (unprocessed.length > 0)
          byKey ??= new Map(chunk.map((request) => [itemKey(requestKey(request)), request]));
        const matched = unprocessed.flatMap((request) => {
          const key = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
          const own = key && byKey?.get(itemKey({ Username: key.Username?.S ?? "", Id: key.Id?.S ?? "" }));
          return own ? [own] : [];
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
        // Our own signal says whether the deadline ended the call: the SDK also names a reset connection
        // (ECONNRESET on a kept-alive socket) "TimeoutError", and that one is worth another attempt.
        if (deadlineSignal.aborted) {
          reason = "deadline reached during the write";
          cutByDeadline = true;
          break;
        }
        reason = describeError(err);
        if (isRequestRejection(err)) {
          const isolated = await isolateRejected(pending, reason, (part) => writeChunk(part, deadline));
          return { ...isolated, retries: retries + isolated.retries };
        }
        if (!isRetryableWriteError(err)) break;
      }
      if (attempt >= options.maxAttempts) {
        reason = `${reason}, after ${attempt} attempts`;
        break;
      }
      const delay = fullJitterDelay(attempt, backoff, random);
      if (Date.now() + delay >= deadline) {
        reason = `${reason}, no time left to retry`;
        cutByDeadline = true;
        break;
      }
      await sleep(delay);
      retries += 1;
    }
    const unwritten = pending.map((request) => ({ request, reason }));
    return { unwritten, rejected: [], retries, ...(cutByDeadline ? { cutByDeadline } : {}) };
  }

  return async (items, { deadline }) => {
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < items.length; i += MAX_BATCH_WRITE_ITEMS)
      chunks.push(items.slice(i, i + MAX_BATCH_WRITE_ITEMS));
    const results = await mapWithConcurrency(chunks, options.concurrency, (chunk) =>
      writeChunk(chunk, deadline),
    );
    return mergeWriteResults(results);
  };
}

/** A put carries the whole item; a delete (an earlier version of an edited post) only its key. */
function toWireRequest(request: WriteRequest): WireWriteRequest {
  if ("put" in request) return { PutRequest: { Item: toAttributeValues(request.put) } };
  const { Username, Id } = request.delete;
  return { DeleteRequest: { Key: { Username: { S: Username }, Id: { S: Id } } } };
}
