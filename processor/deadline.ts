/**
 * The largest share of the invocation's remaining time the safety margin may take. Without a cap, 900 ms
 * remaining and the default 1,000 ms margin left a deadline in the past: nothing was written and the whole
 * batch was reported. A quarter keeps 675 of those 900 ms for writing and 225 ms to abort and answer, and
 * leaves the configured margin untouched whenever 4 × margin or more remains (every healthy invocation).
 */
export const MAX_MARGIN_SHARE_OF_REMAINING = 0.25;

export interface WriteDeadline {
  /** The instant (epoch ms) by which the writers must have given up. */
  deadline: number;
  /** The margin actually kept back: the configured one, or the cap when that is smaller. */
  marginMs: number;
  /** True when the configured margin was larger than the cap allows (worth a log line: the timeout is tight). */
  capped: boolean;
}

/** The writers' deadline: the remaining time minus the safety margin, the margin capped at a share of it. */
export function writeDeadline(now: number, remainingMs: number, safetyMarginMs: number): WriteDeadline {
  const cap = Math.floor(Math.max(0, remainingMs) * MAX_MARGIN_SHARE_OF_REMAINING);
  const marginMs = Math.min(safetyMarginMs, cap);
  return { deadline: now + remainingMs - marginMs, marginMs, capped: marginMs < safetyMarginMs };
}
