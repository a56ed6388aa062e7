import type { PushOutcome } from "../event-sink.js";
import type { Gap } from "../recovery/recovery-plan.js";
import type { StreamRule } from "../recovery/search-request.js";
import { isNewerId, snowflakeTimeMs } from "../snowflake.js";

/** What the watermark file holds (see watermark-file.ts). */
export interface WatermarkState {
  /** The newest post id such that it and every post read before it were durably accepted. */
  newestId: string;
  /**
   * The durable ids created within `recentWindowMs` before `newestId`: a restart searches from a margin before
   * the watermark (posts in flight at the end arrive out of order) and skips these as already delivered.
   */
  recentIds: string[];
  /** Gaps not recovered yet (queued, being searched, or cut short by a shutdown): the next start searches them. */
  pendingGaps: StoredGap[];
  /** The stream's rules when last connected: a restart names those a redeploy removed (their gap is not searched). */
  rules?: StreamRule[];
}

/**
 * A gap as the watermark file keeps it (its origin is a restart's on the next start), with the ids the stream
 * delivered just after its reconnect: its search's end margin finds them again, and the next start skips them.
 */
export type StoredGap = Omit<Gap, "origin"> & {
  resumedIds?: readonly string[];
  /** Its search had begun: posts it pushed may come again when the next start searches it (possible duplicates). */
  searched?: boolean;
};

/**
 * At most this many recent ids are kept and written (about 21 KB a write): X's filtered stream delivers up to
 * ~250 posts a second, 500 in the 2 s window; above that rate the oldest of the window are left out (they may
 * come again as duplicates) rather than writing ever larger files.
 */
export const RECENT_IDS_MAX = 1_000;

const ignoreOutcome = (): void => undefined;

interface Pending {
  id: string;
  outcome: PushOutcome | undefined;
}

/** A gap listed in the file, and how to take it off once its recovered posts are durable. */
export interface HeldGap {
  gap: StoredGap;
  release: () => void;
}

/**
 * The durable watermark, as a pure core fed with outcomes (the writer's `settled` callbacks) and open gaps:
 * posts are registered in the order they are pushed, and the watermark moves over the longest prefix of them
 * the writer reported durable. A post lost at shutdown stops it there for good (the next start searches from it
 * again); one the writer gave up on while running is passed (see advance()).
 * Gaps not yet recovered are kept beside it (`pending`) until their recovery ends, so a restart searches them
 * again without searching everything the stream delivered since.
 */
export class DurableWatermark {
  private readonly pushes: Pending[] = [];
  private head = 0;
  /** Entries compacted off the front of `pushes`: `dropped + head` counts every push settled so far. */
  private dropped = 0;
  /** Gaps released once that many pushes are settled (their recovered posts were pushed before the release). */
  private releases: { settledAt: number; key: number }[] = [];
  /** The gaps loaded from the file, held until the first connection takes them (see restoredGaps()). */
  private readonly loadedGaps: HeldGap[] = [];
  private newestDurable: string | undefined;
  private blocked = false;
  private shuttingDown = false;
  private readonly recent: string[] = [];
  private readonly gaps = new Map<number, StoredGap>();
  private nextGap = 0;
  private changed = false;
  private rules: StreamRule[] | undefined;

  constructor(
    loaded: WatermarkState | undefined,
    private readonly recentWindowMs: number,
  ) {
    this.newestDurable = loaded?.newestId;
    if (loaded === undefined) return;
    this.rules = loaded.rules;
    this.recent.push(...loaded.recentIds.slice(-RECENT_IDS_MAX));
    // Kept in the file from the start: a write before the first connection must not erase them.
    for (const loadedGap of loaded.pendingGaps) {
      const gap = { ...loadedGap };
      this.loadedGaps.push({ gap, release: this.pending(gap) });
    }
    this.changed = false;
  }

  /** The gaps the previous process left, each with its release (GapRecovery recovers them, then releases). */
  restoredGaps(): HeldGap[] {
    return this.loadedGaps.splice(0);
  }

  /** A post pushed to the writer: returns the callback its outcome goes to. */
  pushed(id: string): (outcome: PushOutcome) => void {
    // Stopped at a lost post: nothing after it can move the watermark, so nothing is kept.
    if (this.blocked) return ignoreOutcome;
    const entry: Pending = { id, outcome: undefined };
    this.pushes.push(entry);
    return (outcome) => {
      entry.outcome ??= outcome;
      this.advance();
    };
  }

  /**
   * From now on a lost post stops the watermark for good: what a shutdown drops (spool full, the hard stop) is
   * searched again by the next start.
   */
  shutdown(): void {
    this.shuttingDown = true;
  }

  /**
   * A gap whose recovery has not ended: kept in the file until the returned release is called and every post
   * pushed before that call has settled. Its recovered posts may still be in the writer when the search ends;
   * dropping the gap then would let a SIGKILL lose them while the watermark is already past the gap.
   */
  pending(gap: StoredGap): () => void {
    const key = this.nextGap++;
    this.gaps.set(key, gap);
    this.changed = true;
    return () => {
      // Stopped at a lost post: the gap stays in the file, and the next start searches it again.
      if (this.blocked) return;
      this.releases.push({ settledAt: this.dropped + this.pushes.length, key });
      this.releaseSettled();
    };
  }

  /** The rules in force on the current connection (listed from X). */
  rulesInForce(rules: readonly StreamRule[]): void {
    this.rules = [...rules];
    this.changed = true;
  }

  /** A pending gap's search begins: said in the file, so that a restart counts what it finds again. */
  searching(gap: StoredGap): void {
    if (gap.searched === true) return;
    gap.searched = true;
    this.changed = true;
  }

  /** Posts pushed whose outcome is not yet known, or behind a lost one. */
  get unsettled(): number {
    return this.pushes.length - this.head;
  }

  /** The state to persist, or undefined when nothing was durably taken yet. */
  current(): WatermarkState | undefined {
    const newest = this.newestDurable;
    if (newest === undefined) return undefined;
    const fromMs = snowflakeTimeMs(newest) - this.recentWindowMs;
    const recentIds = this.recent
      .slice(-RECENT_IDS_MAX)
      .filter((id) => !isNewerId(id, newest) && snowflakeTimeMs(id) >= fromMs);
    const state: WatermarkState = { newestId: newest, recentIds, pendingGaps: [...this.gaps.values()] };
    if (this.rules !== undefined) state.rules = this.rules;
    return state;
  }

  /** True once since the last call when the state to persist may have changed. */
  takeChanged(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  private advance(): void {
    if (this.blocked) return;
    let moved = false;
    while (this.head < this.pushes.length) {
      const entry = this.pushes[this.head] as Pending;
      if (entry.outcome === undefined) break;
      if (entry.outcome === "lost" && this.shuttingDown) {
        this.blocked = true;
        this.pushes.length = 0;
        this.head = 0;
        break;
      }
      this.head++;
      moved = true;
      // Lost while running: the writer gave up on it for good (over 1 MiB, refused as invalid), counted and
      // logged it; fetched again it would meet the same refusal, so the watermark passes it.
      if (entry.outcome === "lost") continue;
      if (isNewerId(entry.id, this.newestDurable)) this.newestDurable = entry.id;
      this.recent.push(entry.id);
    }
    if (!moved) return;
    this.changed = true;
    this.releaseSettled();
    this.compact();
  }

  private releaseSettled(): void {
    if (this.releases.length === 0) return;
    const settled = this.dropped + this.head;
    this.releases = this.releases.filter(({ settledAt, key }) => {
      if (settledAt > settled) return true;
      if (this.gaps.delete(key)) this.changed = true;
      return false;
    });
  }

  /**
   * Drops settled entries, and recent ids past the window or the cap, from the front (posts are settled in about
   * the order they were created), in steps so that each settle costs O(1) on average.
   */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.pushes.length) {
      this.pushes.splice(0, this.head);
      this.dropped += this.head;
      this.head = 0;
    }
    if (this.recent.length < 2 * RECENT_IDS_MAX) return;
    const newest = this.newestDurable as string;
    const fromMs = snowflakeTimeMs(newest) - this.recentWindowMs;
    let drop = this.recent.length - RECENT_IDS_MAX;
    while (drop < this.recent.length && snowflakeTimeMs(this.recent[drop] as string) < fromMs) drop++;
    this.recent.splice(0, drop);
  }
}
