import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describeError } from "../lambda-support/sdk-errors.js";
import { type DeadLetter, toDeadLetterBody } from "./dead-letter.js";
import type { DeadLetterResult, DeadLetterSender } from "./ports.js";
import { packBatches, SQS_MAX_MESSAGE_BYTES } from "./sqs-batches.js";

export interface SqsDeadLetterOptions {
  client: SQSClient;
  queueUrl: string;
  /** The queue's MaximumMessageSize; 256 KiB unless the queue was configured larger. */
  maxMessageBytes?: number;
}

/**
 * The dead-letter adapter: one JSON message per letter, sent with SendMessageBatch (≤ 10 entries and
 * ≤ `maxMessageBytes` per call). A letter is failed when its call fails (after the SDK's own retries) or
 * the queue lists its entry as failed; the core reports failed letters' records for retry.
 */
export function createSqsDeadLetterSender(options: SqsDeadLetterOptions): DeadLetterSender {
  const maxBytes = options.maxMessageBytes ?? SQS_MAX_MESSAGE_BYTES;

  return async (letters, { deadline }) => {
    const deadLetteredAt = new Date().toISOString();
    const messages = letters.map((letter) => toDeadLetterBody(letter, deadLetteredAt, maxBytes));
    const sizes = messages.map((m) => Buffer.byteLength(m.body, "utf8"));
    const result: DeadLetterResult = {
      failed: [],
      payloadOmitted: messages.filter((m) => m.payloadOmitted).length,
    };
    const fail = (indexes: readonly number[], reason: string) => {
      for (const i of indexes) result.failed.push({ letter: letters[i] as DeadLetter, reason });
    };

    for (const batch of packBatches(sizes, maxBytes)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        fail(batch, "deadline reached before the dead-letter send");
        result.cutByDeadline = true;
        continue;
      }
      const deadlineSignal = AbortSignal.timeout(remaining);
      try {
        const out = await options.client.send(
          new SendMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: batch.map((i) => ({ Id: String(i), MessageBody: messages[i]?.body })),
          }),
          { abortSignal: deadlineSignal },
        );
        const sent = new Set((out.Successful ?? []).map((entry) => entry.Id));
        const refused = new Map(
          (out.Failed ?? []).map((entry) => [entry.Id, `${entry.Code}: ${entry.Message}`]),
        );
        for (const i of batch) {
          if (sent.has(String(i))) continue;
          fail([i], refused.get(String(i)) ?? "entry missing from the SendMessageBatch response");
        }
      } catch (err) {
        fail(batch, describeError(err));
        if (deadlineSignal.aborted) result.cutByDeadline = true;
      }
    }
    return result;
  };
}
