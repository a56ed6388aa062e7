const TICK_MS = 10;

export interface RateLimits {
  /** Stop after this many tweets in total. */
  totalTweets: number;
  /** How many more tweets may be queued right now (generation pauses while the queue is full). */
  room(): number;
}

/** Publishes tweets at a steady rate, in small batches every 10 ms. */
export function createRateGenerator(publish: (count: number) => void, limits: RateLimits) {
  let timer: NodeJS.Timeout | undefined;
  let generated = 0;
  return {
    setRate(tweetsPerSecond: number): void {
      clearInterval(timer);
      timer = undefined;
      if (tweetsPerSecond <= 0) return;
      const startedAt = Date.now();
      let due = 0;
      timer = setInterval(() => {
        const target = Math.floor(((Date.now() - startedAt) * tweetsPerSecond) / 1000);
        const count = Math.max(0, Math.min(target - due, limits.room(), limits.totalTweets - generated));
        due = target;
        generated += count;
        if (count > 0) publish(count);
      }, TICK_MS);
    },
  };
}
