/** What the stream may have missed between two connections. */
export interface Gap {
  /** The newest post id delivered before the disconnect; undefined when none was delivered yet. */
  sinceId?: string;
  /** When this process first connected: with no post delivered, anything since then may be missing. */
  firstConnectedAtMs: number;
  disconnectedAtMs: number;
  reconnectedAtMs: number;
}

/** X: end_time must be at least 10 s before the request; one more second for the clocks' difference. */
export const DEFAULT_SEARCH_DELAY_MS = 11_000;
/** search/recent reaches back 7 days; a minute less so that a request in flight stays inside. */
const SEARCH_REACH_MS = 7 * 24 * 3_600_000 - 60_000;
/** X's backfill_minutes takes 1 to 5. */
export const MAX_BACKFILL_MINUTES = 5;

export type SearchPlan =
  | {
      kind: "search";
      /** search/recent's time window: since_id or start_time, and end_time (second precision, exclusive). */
      window: { since_id: string } | { start_time: string };
      endTime: string;
      /** Not before: end_time must be 10 s in the past when the request is made. */
      notBeforeMs: number;
      gapMs: number;
    }
  | { kind: "skip"; reason: "max_gap"; gapMs: number };

/**
 * Plans the search/recent requests that fill one gap: from the newest delivered post (since_id), or from the
 * first connection when none was delivered (start_time), up to the second the stream came back (end_time,
 * exclusive, so rounded up); a gap longer than `maxGapMs` is skipped.
 */
export function planSearch(gap: Gap, options: { maxGapMs: number; searchDelayMs?: number }): SearchPlan {
  const gapMs = gap.reconnectedAtMs - gap.disconnectedAtMs;
  if (gapMs > options.maxGapMs) return { kind: "skip", reason: "max_gap", gapMs };
  const endMs = Math.ceil(gap.reconnectedAtMs / 1000) * 1000;
  const startMs = Math.max(gap.firstConnectedAtMs, gap.reconnectedAtMs - SEARCH_REACH_MS);
  return {
    kind: "search",
    window:
      gap.sinceId !== undefined
        ? { since_id: gap.sinceId }
        : { start_time: toXTime(Math.floor(startMs / 1000) * 1000) },
    endTime: toXTime(endMs),
    notBeforeMs: endMs + (options.searchDelayMs ?? DEFAULT_SEARCH_DELAY_MS),
    gapMs,
  };
}

/** backfill_minutes for a reconnect `gapMs` after the disconnect: whole minutes, 1 to 5; `beyond` past 5. */
export function backfillMinutes(gapMs: number): { minutes: number; beyond: boolean } {
  const minutes = Math.max(1, Math.ceil(gapMs / 60_000));
  return { minutes: Math.min(minutes, MAX_BACKFILL_MINUTES), beyond: minutes > MAX_BACKFILL_MINUTES };
}

/** X's timestamp format: YYYY-MM-DDTHH:mm:ssZ. */
export function toXTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Snowflake ids grow with time: the longer decimal is newer, and equal lengths compare as strings. */
export function isNewerId(id: string, than: string | undefined): boolean {
  if (than === undefined) return true;
  return id.length !== than.length ? id.length > than.length : id > than;
}

/** Tracks, across reconnects, what a gap needs: the newest delivered id and when the stream went away. */
export class GapTracker {
  private newestId: string | undefined;
  private firstConnectedAtMs: number | undefined;
  private disconnectedAtMs: number | undefined;

  delivered(id: string): void {
    if (isNewerId(id, this.newestId)) this.newestId = id;
  }

  /** The stream is gone (the first failure counts; failed reconnect attempts keep it). */
  disconnected(nowMs: number): void {
    if (this.firstConnectedAtMs !== undefined) this.disconnectedAtMs ??= nowMs;
  }

  /** How long the stream has been gone, or undefined when it has not (the first connection). */
  gapMs(nowMs: number): number | undefined {
    return this.disconnectedAtMs === undefined ? undefined : nowMs - this.disconnectedAtMs;
  }

  /** The stream is back: the gap it leaves behind, or undefined on the first connection. */
  connected(nowMs: number): Gap | undefined {
    this.firstConnectedAtMs ??= nowMs;
    const disconnectedAtMs = this.disconnectedAtMs;
    if (disconnectedAtMs === undefined) return undefined;
    this.disconnectedAtMs = undefined;
    return {
      ...(this.newestId === undefined ? {} : { sinceId: this.newestId }),
      firstConnectedAtMs: this.firstConnectedAtMs,
      disconnectedAtMs,
      reconnectedAtMs: nowMs,
    };
  }
}
