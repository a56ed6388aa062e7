import { idBefore, isNewerId, snowflakeTimeMs } from "../snowflake.js";

/** What the stream may have missed between two connections, or while the producer was down. */
export interface Gap {
  /** Why: a reconnect of this process, or the restart (from the durable watermark). */
  origin: "reconnect" | "restart";
  /** The newest post id delivered before the disconnect; undefined when none was delivered yet. */
  sinceId?: string;
  /** When this process first connected: with no post delivered, anything since then may be missing. */
  firstConnectedAtMs: number;
  disconnectedAtMs: number;
  reconnectedAtMs: number;
  /** Restored from the watermark file: the ids streamed just after the reconnect (already delivered). */
  resumedIds?: readonly string[];
}

/** X: end_time must be at least 10 s before the request; one more second for the clocks' difference. */
export const DEFAULT_SEARCH_DELAY_MS = 11_000;
/** search/recent reaches back 7 days; a minute less so that a request in flight stays inside. */
const SEARCH_REACH_MS = 7 * 24 * 3_600_000 - 60_000;
/**
 * Both edges of a search window reach this far past the gap: a post still in flight at the disconnect can be
 * older than the newest one delivered (since_id), and our clock can be behind X's (end_time). The overlap is
 * de-duplicated (the window of delivered ids; after a restart, the watermark's recent ids).
 */
export const EDGE_MARGIN_MS = 2_000;
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
 * Plans the search/recent requests that fill one gap: from EDGE_MARGIN_MS before the newest delivered post
 * (since_id derived from its snowflake), or from the first connection when none was delivered (start_time),
 * up to EDGE_MARGIN_MS after the stream came back (end_time, exclusive, rounded up). A since_id beyond search's
 * 7 days (a quiet stream) becomes a start_time at the edge of its reach, which X accepts. A gap longer than
 * `maxGapMs` is skipped.
 */
export function planSearch(
  gap: Gap,
  options: { maxGapMs: number; searchDelayMs?: number },
  marginMs = EDGE_MARGIN_MS,
): SearchPlan {
  const gapMs = gap.reconnectedAtMs - gap.disconnectedAtMs;
  if (gapMs > options.maxGapMs) return { kind: "skip", reason: "max_gap", gapMs };
  const endMs = Math.ceil((gap.reconnectedAtMs + marginMs) / 1000) * 1000;
  const reachMs = gap.reconnectedAtMs - SEARCH_REACH_MS;
  const fromMs = gap.sinceId !== undefined ? snowflakeTimeMs(gap.sinceId) - marginMs : gap.firstConnectedAtMs;
  const window =
    gap.sinceId !== undefined && fromMs > reachMs
      ? { since_id: idBefore(fromMs) }
      : {
          // start_time is inclusive: rounded down to reach a little further, but never past search's reach.
          start_time: toXTime(
            fromMs > reachMs ? Math.floor(fromMs / 1000) * 1000 : Math.ceil(reachMs / 1000) * 1000,
          ),
        };
  return {
    kind: "search",
    window,
    endTime: toXTime(endMs),
    notBeforeMs: endMs + (options.searchDelayMs ?? DEFAULT_SEARCH_DELAY_MS),
    gapMs,
  };
}

/**
 * The plan's window as X accepts it at `nowMs`: search/recent reaches 7 days back from the request, not from the
 * reconnect, and a gap waits (behind others, through billing refusals, in the watermark file across restarts).
 * A since_id or start_time older than the reach becomes a start_time at its edge.
 */
export function reachableWindow(
  window: Extract<SearchPlan, { kind: "search" }>["window"],
  nowMs: number,
): Extract<SearchPlan, { kind: "search" }>["window"] {
  const reachMs = nowMs - SEARCH_REACH_MS;
  const fromMs = "since_id" in window ? snowflakeTimeMs(window.since_id) : Date.parse(window.start_time);
  return fromMs > reachMs ? window : { start_time: toXTime(Math.ceil(reachMs / 1000) * 1000) };
}

/**
 * Which recovered posts of `gap` a previous process may have delivered (counted as possible duplicates): those
 * created up to the returned time. None for this process's reconnect gaps (its window of delivered ids skips
 * them); for a restart's gap, and one restored from the watermark file, those created before the gap began plus
 * two watermark intervals (delivered after the last write, whose next tick may have been skipped while a slow
 * write was in flight); all of a restored gap whose search the previous process
 * had begun (`searched`: it may have pushed them).
 */
export function possibleRepeatsUpToMs(gap: Gap, searched: boolean, writeEveryMs: number): number | undefined {
  if (gap.origin !== "restart") return undefined;
  return searched ? Number.POSITIVE_INFINITY : gap.disconnectedAtMs + 2 * writeEveryMs;
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

export { isNewerId };

/** Tracks, across reconnects, what a gap needs: the newest delivered id and when the stream went away. */
export class GapTracker {
  private newestId: string | undefined;
  private firstConnectedAtMs: number | undefined;
  private disconnectedAtMs: number | undefined;
  private origin: Gap["origin"] = "reconnect";

  /**
   * A previous process durably took every post up to `newestId` and was last alive at `aliveAtMs` (the
   * watermark): the first connection leaves the restart's gap behind.
   */
  restarted(newestId: string, aliveAtMs: number): void {
    this.newestId = newestId;
    this.firstConnectedAtMs = aliveAtMs;
    this.disconnectedAtMs = aliveAtMs;
    this.origin = "restart";
  }

  delivered(id: string): void {
    if (isNewerId(id, this.newestId)) this.newestId = id;
  }

  /** The newest post id delivered so far (or restored from the watermark). */
  get newest(): string | undefined {
    return this.newestId;
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
    const origin = this.origin;
    this.origin = "reconnect";
    return {
      origin,
      ...(this.newestId === undefined ? {} : { sinceId: this.newestId }),
      firstConnectedAtMs: this.firstConnectedAtMs,
      disconnectedAtMs,
      reconnectedAtMs: nowMs,
    };
  }
}
