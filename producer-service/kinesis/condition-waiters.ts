/**
 * Promises that resolve once a condition on the writer's state holds. The writer calls notify() whenever
 * that state changes, so nothing polls.
 */
export class ConditionWaiters {
  private waiters: { condition: () => boolean; resolve: () => void }[] = [];

  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ condition, resolve }));
  }

  notify(): void {
    if (this.waiters.length === 0) return;
    const waiting: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.condition()) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }
}
