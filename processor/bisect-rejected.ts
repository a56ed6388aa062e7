import type { WriteRequest, WriteResult } from "./ports.js";

/**
 * A BatchWriteItem call DynamoDB refuses as a whole (a ValidationException) fails for one bad request among up
 * to 25: an attribute DynamoDB does not accept, a key it cannot take. Retrying the call can never succeed, and
 * reporting all 25 records makes Lambda retry and then discard 24 good ones with the bad one. So the refused
 * requests are split in halves and each half is written on its own (through `writePart`, which retries and
 * splits again), until the request DynamoDB refuses alone is found: it is `rejected`, with DynamoDB's message;
 * the others are written. One bad request in 25 costs 10 more calls (two per halving, five halvings).
 */
export async function bisectRejected(
  refused: readonly WriteRequest[],
  reason: string,
  writePart: (part: readonly WriteRequest[]) => Promise<WriteResult>,
): Promise<WriteResult> {
  if (refused.length === 1) {
    return { unwritten: [], rejected: [{ request: refused[0] as WriteRequest, reason }], retries: 0 };
  }
  const middle = Math.ceil(refused.length / 2);
  // One half after the other: the writer's concurrency limit counts chunks, and a split chunk stays one.
  const first = await writePart(refused.slice(0, middle));
  const second = await writePart(refused.slice(middle));
  return {
    unwritten: [...first.unwritten, ...second.unwritten],
    rejected: [...first.rejected, ...second.rejected],
    retries: first.retries + second.retries,
  };
}
