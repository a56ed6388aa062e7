import type { DeadLetter } from "../../dead-letter.js";
import { createLogger } from "../../logger.js";
import type { DeadLetterSender, ItemWriter } from "../../ports.js";
import type { ProcessBatchPorts } from "../../process-batch.js";
import { itemKey, type TweetItem } from "../../tweet-item.js";

/**
 * In-memory ports for the core: a writer and a dead-letter queue that record what they get and fail what
 * the test says, a real pino logger writing JSON lines to memory, and a fixed clock.
 */
export function fakePorts(
  options: {
    failKeys?: (item: TweetItem) => boolean;
    failLetters?: (letter: DeadLetter) => boolean;
    remainingTimeMs?: number;
  } = {},
) {
  const writes: TweetItem[][] = [];
  const letters: DeadLetter[] = [];
  const logLines: Record<string, unknown>[] = [];
  const deadlines: number[] = [];

  const writeItems: ItemWriter = async (items, { deadline }) => {
    deadlines.push(deadline);
    writes.push([...items]);
    const failed = items.filter((item) => options.failKeys?.(item) ?? false);
    return { unwritten: failed.map((item) => ({ item, reason: `refused ${itemKey(item)}` })), retries: 0 };
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
  return { ports, writes, letters, logLines, deadlines, written: () => writes.flat() };
}
