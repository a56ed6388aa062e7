import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest as WireRequest,
} from "@aws-sdk/client-dynamodb";
import { type BackoffPolicy, DEFAULT_BACKOFF, fullJitterDelay, sleep } from "./backoff.js";
import { mapWithConcurrency } from "./concurrency.js";
import { describeError, isRequestRejection, isRetryableWriteError } from "./sdk-errors.js";

/** BatchWriteItem's limit. */
export const MAX_BATCH_WRITE_ITEMS = 25;

export type { WireRequest };

/** What became of a caller's requests `R`. Everything neither unwritten nor rejected was written or deleted. */
export interface BatchWriteResult<R> {
  /** Requests not carried out, each with the last reason: worth another try later. */
  unwritten: { request: R; reason: string }[];
  /** Requests DynamoDB refuses on their own (only with `onRejection`): no retry can write them. */
  rejected: { request: R; reason: string }[];
  /** Extra attempts spent on throttling, server errors and UnprocessedItems. */
  retries: number;
  /** Set by `onRejection` when a refusal is the table's fault, not a request's. */
  systemic?: string;
  /** Set when the deadline stopped the writes with requests left (`unwritten`). */
  cutByDeadline?: boolean;
}

export interface BatchWriterOptions<R> {
  /** Should be built with `maxAttempts: 1`: the writer retries itself, within the deadline. */
  client: DynamoDBClient;
  tableName: string;
  concurrency: number;
  maxAttempts: number;
  /** The wire form of a request (a request may be the wire form itself). */
  toWire: (request: R) => WireRequest;
  /** The key a request acts on, as `wireKey` gives it for its wire form: UnprocessedItems are matched by it. */
  key: (request: R) => string;
  /**
   * A call DynamoDB refused for what it carries (ValidationException). Without it the call's requests are
   * unwritten; with it the caller may split the call (`writePart` writes a part with the same retries).
   */
  onRejection?: (
    refused: readonly R[],
    reason: string,
    writePart: (part: readonly R[]) => Promise<BatchWriteResult<R>>,
  ) => Promise<BatchWriteResult<R>>;
  backoff?: BackoffPolicy;
  random?: () => number;
}

/** The (Username, Id) key of a put's item or a delete's key, in the form `key` must return. */
export function wireKey(request: WireRequest): string {
  const key: Record<string, AttributeValue> | undefined =
    request.PutRequest?.Item ?? request.DeleteRequest?.Key;
  return primaryKey(key?.Username?.S ?? "", key?.Id?.S ?? "");
}

/** The one string form of a table key, shared by callers and `wireKey`. */
export const primaryKey = (username: string, id: string) => `${username}\u0000${id}`;

/**
 * BatchWriteItem in chunks of 25, `concurrency` chunks at a time, for both Lambdas. Each chunk retries its
 * UnprocessedItems and retryable errors with full-jitter backoff until written, out of attempts, or the deadline;
 * in-flight calls are aborted at the deadline. Puts and deletes are idempotent, so an UnprocessedItems entry that
 * cannot be matched to a request keeps everything pending (retried) rather than guessing.
 */
export function createBatchWriter<R>(options: BatchWriterOptions<R>) {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const { tableName } = options;

  async function writeChunk(chunk: readonly R[], deadline: number): Promise<BatchWriteResult<R>> {
    // Built only when DynamoDB hands requests back: most calls carry out everything.
    let byKey: Map<string, R> | undefined;
    let pending: R[] = [...chunk];
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
          new BatchWriteItemCommand({ RequestItems: { [tableName]: pending.map(options.toWire) } }),
          { abortSignal: deadlineSignal },
        );
        const unprocessed = out.UnprocessedItems?.[tableName] ?? [];
        if (unprocessed.length > 0)
          byKey ??= new Map(chunk.map((request) => [options.key(request), request]));
        const matched = unprocessed.flatMap((wire) => {
          const own = byKey?.get(wireKey(wire));
          return own === undefined ? [] : [own];
        });
        if (matched.length < unprocessed.length) {
          reason = `UnprocessedItems (${unprocessed.length} requests, ${unprocessed.length - matched.length} not recognised)`;
        } else {
          pending = matched;
          if (pending.length === 0) break;
          reason = `UnprocessedItems (${pending.length} requests)`;
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
        if (options.onRejection && isRequestRejection(err)) {
          const split = await options.onRejection(pending, reason, (part) => writeChunk(part, deadline));
          return { ...split, retries: retries + split.retries };
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

  return async (requests: readonly R[], deadline: number): Promise<BatchWriteResult<R>> => {
    const chunks: R[][] = [];
    for (let i = 0; i < requests.length; i += MAX_BATCH_WRITE_ITEMS)
      chunks.push(requests.slice(i, i + MAX_BATCH_WRITE_ITEMS));
    const results = await mapWithConcurrency(chunks, options.concurrency, (chunk) =>
      writeChunk(chunk, deadline),
    );
    return mergeBatchWriteResults(results);
  };
}

/** The results of parts of one write, as one. */
export function mergeBatchWriteResults<R>(results: readonly BatchWriteResult<R>[]): BatchWriteResult<R> {
  const systemic = results.find((result) => result.systemic)?.systemic;
  return {
    unwritten: results.flatMap((result) => result.unwritten),
    rejected: results.flatMap((result) => result.rejected),
    retries: results.reduce((sum, result) => sum + result.retries, 0),
    ...(systemic ? { systemic } : {}),
    ...(results.some((result) => result.cutByDeadline) ? { cutByDeadline: true } : {}),
  };
}
