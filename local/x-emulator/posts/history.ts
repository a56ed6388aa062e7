import type { GeneratedTweet } from "./x-types.js";

export interface PublishedPost {
  post: GeneratedTweet;
  /** Published without its author in `includes` (a broken expansion). */
  omitAuthor: boolean;
  publishedAtMs: number;
}

/** About 5 KB a post in RICH_MIX (long posts, entities): some 100 MB of heap at most. At `npm start`'s 50
 * posts/s that is the last 6.7 minutes, far more than an outage the local pipeline recovers. */
export const DEFAULT_HISTORY_SIZE = 20_000;

/**
 * Every post the emulator published, streamed or not (X keeps them; search and backfill read them), bounded:
 * past `capacity` the oldest are forgotten and counted in `evicted`.
 */
export class PostHistory {
  private entries: PublishedPost[] = [];
  evicted = 0;

  constructor(readonly capacity = DEFAULT_HISTORY_SIZE) {}

  get length(): number {
    return this.entries.length;
  }

  add(entry: PublishedPost): void {
    this.entries.push(entry);
    // Trim in steps of a tenth, so adding stays cheap.
    const excess = this.entries.length - this.capacity;
    if (excess > 0 && excess >= Math.ceil(this.capacity / 10)) {
      this.entries = this.entries.slice(excess);
      this.evicted += excess;
    }
  }

  /** Posts published at or after `sinceMs`, in publishing order. */
  publishedSince(sinceMs: number): PublishedPost[] {
    return this.all().filter((entry) => entry.publishedAtMs >= sinceMs);
  }

  all(): PublishedPost[] {
    const excess = this.entries.length - this.capacity;
    return excess > 0 ? this.entries.slice(excess) : this.entries;
  }
}
