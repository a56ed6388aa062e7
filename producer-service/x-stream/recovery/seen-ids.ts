/** Defaults of the de-duplication window: the ids of the last hour, and never more than 100,000 of them. */
export const SEEN_IDS_WINDOW_MS = 60 * 60_000;
export const SEEN_IDS_MAX = 100_000;

/**
 * The post ids delivered recently, to drop the overlap between recovered, backfilled (X does not de-duplicate
 * backfill) and streamed posts. Bounded both ways: an id is forgotten once older than `windowMs` or once
 * `maxIds` newer ones have been seen, so memory stays under `maxIds` entries (measured: about 78 bytes per
 * id with its string, under 8 MB at 100,000) whatever the rate.
 */
export class SeenIds {
  /** id → when it was seen, in seconds since `epochMs` (small integers, stored unboxed); insertion-ordered. */
  private readonly seen = new Map<string, number>();
  private readonly epochMs: number;

  constructor(
    private readonly windowMs = SEEN_IDS_WINDOW_MS,
    private readonly maxIds = SEEN_IDS_MAX,
    nowMs = Date.now(),
  ) {
    this.epochMs = nowMs;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Records `id`; false when it was already seen within the window (a duplicate to skip). */
  add(id: string, nowMs = Date.now()): boolean {
    const now = Math.floor((nowMs - this.epochMs) / 1000);
    this.forgetOlderThan(now - Math.ceil(this.windowMs / 1000));
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    if (this.seen.size > this.maxIds) this.forgetOldest();
    return true;
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [id, seenAt] of this.seen) {
      if (seenAt >= cutoff) return;
      this.seen.delete(id);
    }
  }

  private forgetOldest(): void {
    for (const id of this.seen.keys()) {
      this.seen.delete(id);
      return;
    }
  }
}
