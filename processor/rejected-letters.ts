import type { KinesisStreamRecord } from "aws-lambda";
import { decodeRecordData } from "../events/index.js";
import { type DeadLetter, deadLetterReason } from "./dead-letter.js";
import { originOf, type PlannedWrite } from "./plan-batch.js";
import {
  type BatchLogger,
  type DeadLetterResult,
  type DeadLetterSender,
  requestKey,
  type WriteResult,
} from "./ports.js";
import { type ItemKey, itemKey } from "./tweet-item.js";

/** Rejected requests logged one by one per batch (the queue holds every one). */
const LOGGED_REJECTIONS = 10;

export interface RejectedOutcome extends DeadLetterResult {
  /** Letters the queue took; `failed` ones are reported for retry. */
  sent: number;
}

/**
 * Sends the records of the requests DynamoDB rejected on their own to the dead-letter queue, each with
 * DynamoDB's message (which names the problem, never a value), and logs each (first 10) with its position.
 */
export async function deadLetterRejected(
  rejected: WriteResult["rejected"],
  context: {
    writes: readonly PlannedWrite[];
    records: readonly KinesisStreamRecord[];
    sendToDeadLetter: DeadLetterSender;
    deadline: number;
    logger: BatchLogger;
  },
): Promise<RejectedOutcome> {
  if (rejected.length === 0) return { failed: [], sent: 0, payloadOmitted: 0 };
  const owners = new Map(context.writes.map((w) => [itemKey(requestKey(w.request)), w.owners]));
  const letters = rejectedLetters(rejected, (key) => owners.get(itemKey(key)) ?? [], context.records);
  for (const letter of letters.slice(0, LOGGED_REJECTIONS)) {
    context.logger.warn(
      {
        reason: letter.reason,
        sequenceNumber: letter.origin.sequenceNumber,
        subSequenceNumber: letter.subSequenceNumber,
      },
      "DynamoDB rejected this record's item on its own: sending it to the dead-letter queue, the rest of its call was written",
    );
  }
  let result: DeadLetterResult;
  try {
    result = await context.sendToDeadLetter(letters, { deadline: context.deadline });
  } catch (err) {
    context.logger.error({ err }, "port failed unexpectedly: everything it was given is reported for retry");
    const reason = err instanceof Error ? err.message : String(err);
    result = { failed: letters.map((letter) => ({ letter, reason })), payloadOmitted: 0 };
  }
  return { ...result, sent: letters.length - result.failed.length };
}

/**
 * One letter per user record that carried a rejected item: its own bytes and subsequence number, found again
 * by decoding its Kinesis record (this runs only when DynamoDB rejects something). A rejected request no user
 * record carries (the delete of an earlier version of an edited post) letters the whole Kinesis record, unless
 * that record already has a letter.
 */
export function rejectedLetters(
  rejected: WriteResult["rejected"],
  ownersOf: (key: ItemKey) => Iterable<string>,
  records: readonly KinesisStreamRecord[],
): DeadLetter[] {
  const bySequenceNumber = new Map(records.map((record) => [record.kinesis.sequenceNumber, record]));
  const letters: DeadLetter[] = [];
  for (const { request, reason: message } of rejected) {
    const key = requestKey(request);
    const reason = deadLetterReason({ kind: "dynamodb-rejected", message });
    for (const owner of ownersOf(key)) {
      const record = bySequenceNumber.get(owner);
      if (!record) continue;
      const origin = originOf(record);
      const decoded = decodeRecordData(record.kinesis.data);
      const carriers = decoded.ok
        ? decoded.value.filter(
            (user) =>
              user.result.ok &&
              user.result.value.author.username === key.Username &&
              user.result.value.id === key.Id,
          )
        : [];
      for (const user of carriers) {
        const payload = Buffer.from(user.data).toString("base64");
        letters.push({ origin, subSequenceNumber: user.subSequenceNumber, payload, reason });
      }
      // A record already lettered (its newer version refused) is not lettered again as a whole.
      if (carriers.length === 0 && !letters.some((letter) => letter.origin.sequenceNumber === owner))
        letters.push({ origin, payload: record.kinesis.data, reason });
    }
  }
  return letters;
}
