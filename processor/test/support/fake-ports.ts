import type { DeadLetter } from "../../dead-letter.js";
import { createLogger } from "../../logger.js";
import { type DeadLetterSender, type ItemWriter, requestKey, type WriteRequest } from "../../ports.js";
import type { ProcessBatchPorts } from "../../process-batch.js";
import { type ItemKey, itemKey, type TweetItem } from "../../tweet-item.js";

/**
 * In-memory ports for the core: a writer and a dead-letter queue that record what they get and fail what
 * the test says, a real pino logger writing JSON lines to memory, and a fixed clock.
 */
export function fakePorts(
  options: {
    /** Fails the requests whose key (a put's item, a delete's key) this returns true for. */
    failKeys?: (key: ItemKey) => boolean;
    /** Answers as DynamoDB refusing these requests on their own (`rejected`, with a ValidationException). */
    rejectKeys?: (key: ItemKey) => boolean;
    failLetters?: (letter: DeadLetter) => boolean;
    remainingTimeMs?: number;
  } = {},
) {
  const writes: WriteRequest[][] = [];
  const letters: DeadLetter[] = [];
  const logLines: Record<string, unknown>[] = [];
  const deadlines: number[] = [];

  const writeItems: ItemWriter = async (requests, { deadline }) => {
    deadlines.push(deadline);
    writes.push([...requests]);
    const failed = requests.filter((request) => options.failKeys?.(requestKey(request)) ?? false);
    return {
      unwritten: failed.map((request) => ({ request, reason: `refused ${itemKey(requestKey(request))}` })),
      rejected: requests
        .filter((request) => options.rejectKeys?.(requestKey(request)) ?? false)
        .map((request) => ({ request, reason: "ValidationException (HTTP 400): Empty attribute name" })),
      retries: 0,
    };
  };
  const sendToDeadLetter: DeadLetterSender = async (sent, { deadline }) => {
    deadlines.push(deadline);
    const failed = sent.filter((letter) => options.failLetters?.(letter) ?? false);
    letters.push(...sent.filter((letter) => !failed.includes(letter)));
    return { failed: failed.map((letter) => ({ letter, reason: "queue refused" })), payloadOmitted: 0 };
  };
  const logger = createLogger("info", { write: (line: string) => logLines.push(JSON.parse(line)) });

  const ports: ProcessBatchPorts = {
    writeItems,
    sendToDeadLetter,
    remainingTimeMs: () => options.remainingTimeMs ?? 60_000,
    safetyMarginMs: 1000,
    logger,
    clock: { now: () => Date.parse("2026-11-25T12:00:05.000Z") },
  };
  return {
    ports,
    writes,
    letters,
    logLines,
    deadlines,
    /** The items put, in request order. */
    written: (): TweetItem[] => writes.flat().flatMap((request) => ("put" in request ? [request.put] : [])),
    /** The keys deleted (earlier versions of edited posts), in request order. */
    deleted: (): ItemKey[] =>
      writes.flat().flatMap((request) => ("delete" in request ? [request.delete] : [])),
  };
}
