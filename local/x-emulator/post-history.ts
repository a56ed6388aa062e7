import type { GeneratedTweet } from "./x-types.js";

export interface PublishedPost {
  post: GeneratedTweet;
  /** Published without its author in `includes` (a broken expansion). */
  omitAuthor: boolean;
  publishedAtMs: number;
}

/**
 * Every post the emulator published, streamed or not (X keeps them; search and backfill read them), bounded:
 * past `capacity` the oldest are forgotten and counted in `evicted`.
 */
export class PostHistory {
  private entries: PublishedPost[] = [];
  evicted = 0;

  constructor(readonly capacity = 100_000) {}

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
