import { mergeBatchWriteResults } from "../lambda-support/batch-write.js";
import type { WriteRequest, WriteResult } from "./ports.js";

/**
 * DynamoDB's ValidationException messages that name the table's key schema, not an item's content: our items
 * always carry string `Username` and `Id`, so these mean the table was created or changed with another key
 * (messages of DynamoDB Local and dynalite for a table keyed on a number `Id` or on another attribute).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
const SCHEMA_LEVEL =
  /provided key element does not match the schema|Type mismatch for key|Missing the key \S+ in the item|One of the required keys was not given a value/i;

/** Whether DynamoDB's message blames the table's key schema (a setup problem) rather than one item. */
export function isSchemaLevelRejection(reason: string): boolean {
  return SCHEMA_LEVEL.test(reason);
}

/**
 * A call DynamoDB refused (a ValidationException): split it to find the requests refused alone, unless the
 * message names the table's key schema, which no split can cure: then the call is reported `unwritten` (retried)
 * and flagged `systemic` for an error line. Whether every request of a batch was refused alone is judged over the
 * whole batch by `judgeSystemic`, never per call: per call, two bad items were dead-lettered inside a chunk of
 * 25 and judged systemic as the last chunk (2 of them) of a 27-item batch.
 */
export async function isolateRejected(
  refused: readonly WriteRequest[],
  reason: string,
  writePart: (part: readonly WriteRequest[]) => Promise<WriteResult>,
): Promise<WriteResult> {
  if (isSchemaLevelRejection(reason)) return systemic(refused, `the key schema is refused: ${reason}`, 0);
  return bisectRejected(refused, reason, writePart);
}

/**
 * Dead-lettering is right for one bad item among good ones; it is wrong when the table is at fault (a key schema
 * that no longer matches after a table change), because then every item is refused alone and the whole stream
 * would drain into the dead-letter queue and be acknowledged. So when every one of two or more requests written
 * together (a batch's puts, or its deletes) is refused alone, they are reported `unwritten` (retried) and the
 * result is flagged `systemic`.
 */
export function judgeSystemic(result: WriteResult, sent: number): WriteResult {
  // Fallback: when any request was throttled, left unprocessed or cut by the deadline (it is in `unwritten`, not
  // `rejected`), not every request was refused, so nothing shows the table is at fault: the refused ones stay
  // `rejected` (dead-lettered as bad items) and the others are retried. A key-schema refusal was already judged
  // systemic by its message (`isSchemaLevelRejection`), and a retry whose every request is refused is judged again.
  if (result.systemic || sent < 2 || result.rejected.length < sent) return result;
  const problem = `every one of the ${sent} requests of the batch is refused on its own: ${result.rejected[0]?.reason}`;
  const refused = systemic(
    result.rejected.map(({ request }) => request),
    problem,
    result.retries,
  );
  return { ...refused, unwritten: [...result.unwritten, ...refused.unwritten] };
}

function systemic(requests: readonly WriteRequest[], problem: string, retries: number): WriteResult {
  const reason = `systemic refusal, not dead-lettered (${problem})`;
  return {
    unwritten: requests.map((request) => ({ request, reason })),
    rejected: [],
    retries,
    systemic: problem,
  };
}

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
  return mergeBatchWriteResults([first, second]);
}
