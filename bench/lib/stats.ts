/** Median and spread of one metric over the rounds of a bench. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Number of rounds the figure summarizes. */
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    n: sorted.length,
  };
}

/** Linear-interpolated quantile of already sorted values (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  // Unacknowledged tweets count as Infinity in latency samples; Infinity - Infinity would be NaN.
  if (a === b) return a;
  return a + (b - a) * (position - low);
}

/** Summarizes each numeric field of a list of run results, field by field. */
export function spreadByField<K extends string>(runs: readonly Record<K, number>[], fields: readonly K[]) {
  const out = {} as Record<K, Spread>;
  for (const field of fields) out[field] = spread(runs.map((run) => run[field]));
  return out;
}
