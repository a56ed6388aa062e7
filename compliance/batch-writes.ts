import {
  type BatchWriteResult,
  createBatchWriter as createSharedBatchWriter,
  type WireRequest,
  wireKey,
} from "../lambda-support/batch-write.js";

export interface BatchWriterOptions {
  /** Built with `maxAttempts: 1`: the writer retries itself, within the invocation's deadline. */
  client: Parameters<typeof createSharedBatchWriter>[0]["client"];
  tableName: string;
  concurrency: number;
  maxAttempts: number;
}

/**
 * The shared BatchWriteItem loop (lambda-support/batch-write.ts: chunks of 25, UnprocessedItems, throttling,
 * 5xx and reset sockets retried with full-jitter backoff within the deadline) over wire requests as they are:
 * deletes of posts and puts of the sweeper's own state.
 */
export function createBatchWriter(options: BatchWriterOptions) {
  return createSharedBatchWriter<WireRequest>({ ...options, toWire: (request) => request, key: wireKey });
}

export type BatchWriter = (
  requests: readonly WireRequest[],
  deadline: number,
) => Promise<BatchWriteResult<WireRequest>>;
