/** X's snowflake epoch: an id's top bits are milliseconds since 2010-11-04T01:42:54.657Z. */
const X_EPOCH_MS = 1_288_834_974_657n;
const TIMESTAMP_SHIFT = 22n;

/** When X created the post with this id (its snowflake's timestamp), in epoch milliseconds. */
export function snowflakeTimeMs(id: string): number {
  return Number((BigInt(id) >> TIMESTAMP_SHIFT) + X_EPOCH_MS);
}

/**
 * The smallest id X could give a post created at `ms`: every post created at or after `ms` has an id above
 * `idBefore(ms)`, so it serves as an exclusive `since_id` reaching back to `ms`.
 */
export function idBefore(ms: number): string {
  const at = BigInt(Math.max(0, Math.floor(ms))) - X_EPOCH_MS;
  return String(at <= 0n ? 0n : (at << TIMESTAMP_SHIFT) - 1n);
}

/** Snowflake ids grow with time: the longer decimal is newer, and equal lengths compare as strings. */
export function isNewerId(id: string, than: string | undefined): boolean {
  if (than === undefined) return true;
  return id.length !== than.length ? id.length > than.length : id > than;
}
