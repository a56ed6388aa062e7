import type { PushOutcome } from "../ingest-types.js";
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
}

interface Pending {
  id: string;
  outcome: PushOutcome | undefined;
}

/**
 * The durable watermark, as a pure core fed with outcomes (the writer's `settled` callbacks) and gap holds:
 * posts are registered in the order they are pushed, and the watermark moves over the longest prefix of them
 * the writer reported durable. A lost post stops it there for good (the next start searches from it again).
 * While a gap is being recovered, the watermark stays at or below the gap's start (`hold`), so a restart
 * searches that gap again; a gap with no start (nothing delivered yet) keeps it where it is.
 */
export class DurableWatermark {
  private readonly pending: Pending[] = [];
  private head = 0;
  private newestDurable: string | undefined;
  private blocked = false;
  private readonly recent: string[] = [];
  private readonly holds = new Map<number, string | undefined>();
  private nextHold = 0;
  private changed = false;

  constructor(
    loaded: WatermarkState | undefined,
    private readonly recentWindowMs: number,
  ) {
    this.newestDurable = loaded?.newestId;
    if (loaded !== undefined) this.recent.push(...loaded.recentIds);
  }

  /** A post pushed to the writer: returns the callback its outcome goes to. */
  pushed(id: string): (outcome: PushOutcome) => void {
    const entry: Pending = { id, outcome: undefined };
    this.pending.push(entry);
    return (outcome) => {
      entry.outcome ??= outcome;
      this.advance();
    };
  }

  /** Keeps the watermark at or below `sinceId` until the returned release is called. */
  hold(sinceId: string | undefined): () => void {
    const key = this.nextHold++;
    this.holds.set(key, sinceId);
    return () => {
      if (this.holds.delete(key)) this.changed = true;
    };
  }

  /** Posts pushed whose outcome is not yet known, or behind a lost one. */
  get unsettled(): number {
    return this.pending.length - this.head;
  }

  /** The state to persist, or undefined when there is nothing (yet) that may be written. */
  current(): WatermarkState | undefined {
    let newest = this.newestDurable;
    for (const held of this.holds.values()) {
      if (held === undefined) return undefined;
      if (newest === undefined || isNewerId(newest, held)) newest = held;
    }
    if (newest === undefined) return undefined;
    const fromMs = snowflakeTimeMs(newest) - this.recentWindowMs;
    const upTo = newest;
    const recentIds = this.recent.filter((id) => !isNewerId(id, upTo) && snowflakeTimeMs(id) >= fromMs);
    return { newestId: newest, recentIds };
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
    while (this.head < this.pending.length) {
      const entry = this.pending[this.head] as Pending;
      if (entry.outcome === undefined) break;
      if (entry.outcome === "lost") {
        this.blocked = true;
        break;
      }
      this.head++;
      moved = true;
      if (isNewerId(entry.id, this.newestDurable)) this.newestDurable = entry.id;
      this.recent.push(entry.id);
    }
    if (!moved) return;
    this.changed = true;
    this.compact();
  }

  /** Drops settled entries and recent ids older than the window, in steps so that pushing stays O(1). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (this.recent.length > 1024 && this.newestDurable !== undefined) {
      const fromMs = snowflakeTimeMs(this.newestDurable) - this.recentWindowMs;
      const keep = this.recent.filter((id) => snowflakeTimeMs(id) >= fromMs);
      this.recent.length = 0;
      this.recent.push(...keep);
    }
  }
}
