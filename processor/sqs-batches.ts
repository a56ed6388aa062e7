/** SQS's SendMessageBatch limits: 10 entries, and the sum of the bodies at most the message size limit. */
export const MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Groups message sizes into batches (lists of indexes, in order) that respect both limits. Every size must
 * be at most `maxBytes` on its own.
 */
export function packBatches(
  sizes: readonly number[],
  maxBytes: number,
  maxEntries = MAX_BATCH_ENTRIES,
): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, index) => {
    if (size > maxBytes)
      throw new RangeError(`message ${index} is ${size} bytes; at most ${maxBytes} fit in a batch`);
    if (current.length === maxEntries || bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
