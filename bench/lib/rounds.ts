/**
 * The order of round `round`: the list rotated by `step` places per round, so no configuration always runs
 * first, or always right after the same neighbour, and slow drifts of the machine spread over all of them.
 */
export function rotate<T>(items: readonly T[], round: number, step = 1): T[] {
  if (items.length === 0) return [];
  const shift = (round * step) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
