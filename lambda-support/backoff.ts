import { setTimeout as sleep } from "node:timers/promises";

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Short waits first (throttling usually clears fast), never longer than a few seconds inside a Lambda. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 50, capMs: 3000 };

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(cap, base * 2^(attempt-1))), which spreads
 * competing retries out best. https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function fullJitterDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export { sleep };
