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
 * A whole chunk DynamoDB refused (a ValidationException): split it to find the requests refused alone, unless the
 * refusal is systemic. Dead-lettering is right for one bad item among good ones; it is wrong when the table is at
 * fault (a key schema that does not match after a table change), because then every item is refused alone and
 * the whole stream would drain into the dead-letter queue and be acknowledged. So a refusal whose message names
 * the key schema, or a chunk of two or more whose every request is refused alone, is reported `unwritten`
 * (retried, the shard waits until the setup is fixed) and flagged `systemic` for an error line.
 * `wholeChunk` is false for the halves of a split: a half may well be all bad items among a good chunk.
 */
export async function isolateRejected(
  refused: readonly WriteRequest[],
  reason: string,
  writePart: (part: readonly WriteRequest[]) => Promise<WriteResult>,
  options: { wholeChunk: boolean },
): Promise<WriteResult> {
  if (isSchemaLevelRejection(reason)) return systemic(refused, `the key schema is refused: ${reason}`, 0);
  const isolated = await bisectRejected(refused, reason, writePart);
  if (options.wholeChunk && refused.length > 1 && isolated.rejected.length === refused.length) {
    const problem = `every one of the ${refused.length} requests of a call is refused on its own: ${reason}`;
    return systemic(refused, problem, isolated.retries);
  }
  return isolated;
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
  return mergeWriteResults([first, second]);
}

/** The results of parts of one write, as one. */
export function mergeWriteResults(results: readonly WriteResult[]): WriteResult {
  const systemicProblem = results.find((result) => result.systemic)?.systemic;
  return {
    unwritten: results.flatMap((result) => result.unwritten),
    rejected: results.flatMap((result) => result.rejected),
    retries: results.reduce((sum, result) => sum + result.retries, 0),
    ...(systemicProblem ? { systemic: systemicProblem } : {}),
  };
}
