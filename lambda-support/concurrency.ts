/**
 * Maps `inputs` through `fn` with at most `limit` calls in flight, keeping result order. Ten lines instead of
 * a dependency (p-limit and friends) in the Lambda bundle. `fn` must not reject.
 */
export async function mapWithConcurrency<T, R>(
  inputs: readonly T[],
  limit: number,
  fn: (input: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await fn(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}
