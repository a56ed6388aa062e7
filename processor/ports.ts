import type { DeadLetter } from "./dead-letter.js";
import type { TweetItem } from "./tweet-item.js";

/** What every port call gets: the instant (epoch ms) by which it must have given up. */
export interface DeadlineOptions {
  deadline: number;
}

export interface WriteResult {
  /** Items not written, each with the last reason. Everything else was written. */
  unwritten: { item: TweetItem; reason: string }[];
  /** Extra attempts spent on throttling, server errors and UnprocessedItems. */
  retries: number;
}

/** Writes items whose keys are distinct; must not throw for per-item failures. */
export type ItemWriter = (items: readonly TweetItem[], options: DeadlineOptions) => Promise<WriteResult>;

export interface DeadLetterResult {
  /** Letters not accepted by the queue. Everything else was sent. */
  failed: { letter: DeadLetter; reason: string }[];
  /** Letters sent without their payload because it would not fit in one message. */
  payloadOmitted: number;
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
