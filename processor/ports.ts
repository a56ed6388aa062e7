import type { BatchWriteResult } from "../lambda-support/batch-write.js";
import type { DeadLetter } from "./dead-letter.js";
import type { ItemKey, TweetItem } from "./tweet-item.js";

/** What every port call gets: the instant (epoch ms) by which it must have given up. */
export interface DeadlineOptions {
  deadline: number;
}

/**
 * One request of the write path: put a post's item, or delete the item of an earlier version of an edited
 * post (same BatchWriteItem call, different key).
 */
export type WriteRequest = { put: TweetItem } | { delete: ItemKey };

/** The key a request writes or deletes. */
export const requestKey = (request: WriteRequest): ItemKey =>
  "put" in request ? request.put : request.delete;

/**
 * What became of the requests (lambda-support's result over ours): `rejected` are refused by DynamoDB on their
 * own (a ValidationException for a call holding only them), so the core dead-letters their records; `systemic`
 * is set when DynamoDB refuses the table's key schema or every request of the batch alone, a setup problem a
 * person must fix: those requests are in `unwritten` (retried), never `rejected`.
 */
export type WriteResult = BatchWriteResult<WriteRequest>;

/** Carries out requests whose keys are distinct; must not throw for per-request failures. */
export type ItemWriter = (
  requests: readonly WriteRequest[],
  options: DeadlineOptions,
) => Promise<WriteResult>;

export interface DeadLetterResult {
  /** Letters not accepted by the queue. Everything else was sent. */
  failed: { letter: DeadLetter; reason: string }[];
  /** Letters sent without their payload because it would not fit in one message. */
  payloadOmitted: number;
  /** Set when the deadline stopped the sends with letters left (`failed`). */
  cutByDeadline?: boolean;
}

export type DeadLetterSender = (
  letters: readonly DeadLetter[],
  options: DeadlineOptions,
) => Promise<DeadLetterResult>;

export interface Clock {
  now(): number;
}

/** The slice of pino the core uses, so tests can pass a real pino logger writing to memory. */
export interface BatchLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
