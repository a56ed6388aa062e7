import type { GeneratedTweet } from "../posts/x-types.js";

/** What the emulator has to say on its streams, in order: tweets, and raw lines the faults inject. */
export type StreamItem =
  | { kind: "tweet"; tweet: GeneratedTweet; omitAuthor: boolean }
  | { kind: "line"; bytes: Buffer; closeAfter: boolean };

/**
 * Items waiting for a stream connection. Tweets published while no client is connected wait here (X
 * would drop them; holding them lets a test publish first and connect later). Each item goes to exactly
 * one connection.
 */
export class StreamQueue {
  private items: StreamItem[] = [];
  private head = 0;
  private waiters: (() => void)[] = [];

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: StreamItem): void {
    this.items.push(item);
    this.wake();
  }

  peek(): StreamItem | undefined {
    return this.items[this.head];
  }

  shift(): StreamItem | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Resolves on the next push or `wake()` (for example when rules change or a fault is set). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
