import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { BackoffPolicy } from "../lambda-support/backoff.js";
import { createBatchWriter, primaryKey, type WireRequest } from "../lambda-support/batch-write.js";
import { isolateRejected } from "./bisect-rejected.js";
import { toAttributeValues } from "./item-attributes.js";
import { type ItemWriter, requestKey, type WriteRequest } from "./ports.js";

export { MAX_BATCH_WRITE_ITEMS } from "../lambda-support/batch-write.js";

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
 * The DynamoDB adapter: the shared BatchWriteItem loop (lambda-support/batch-write.ts: chunks of 25,
 * `concurrency` at a time, UnprocessedItems and retryable errors retried until the deadline) over our requests.
 * A call DynamoDB refuses as invalid is split until the one request it refuses is found (`rejected`); the rest is
 * written. A refusal naming the table's key schema is systemic: reported `unwritten` instead (every request
 * refused alone is judged over the whole batch by the core: `judgeSystemic`).
 */
export function createDynamoDbWriter(options: DynamoDbWriterOptions): ItemWriter {
  const write = createBatchWriter<WriteRequest>({
    ...options,
    toWire: toWireRequest,
    key: (request) => {
      const { Username, Id } = requestKey(request);
      return primaryKey(Username, Id);
    },
    onRejection: isolateRejected,
  });
  return (requests, { deadline }) => write(requests, deadline);
}

/** A put carries the whole item; a delete (an earlier version of an edited post) only its key. */
function toWireRequest(request: WriteRequest): WireRequest {
  if ("put" in request) return { PutRequest: { Item: toAttributeValues(request.put) } };
  const { Username, Id } = request.delete;
  return { DeleteRequest: { Key: { Username: { S: Username }, Id: { S: Id } } } };
}
