import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SqsEmulator, startSqsEmulator } from "../../local/sqs-emulator/index.js";
import type { DeadLetter } from "../dead-letter.js";
import { createSqsDeadLetterSender } from "../sqs-dead-letter.js";

// The dead-letter adapter against the SQS emulator, which refuses a SendMessageBatch of more than 10 entries
// (TooManyEntriesInBatchRequest) as SQS does.
let sqs: SqsEmulator;
let client: SQSClient;

beforeAll(async () => {
  sqs = await startSqsEmulator({ queues: ["dlq"] });
  client = new SQSClient({
    endpoint: sqs.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});
afterAll(async () => {
  client?.destroy();
  await sqs?.close();
});

const smallLetter = (n: number): DeadLetter => ({
  origin: {
    shardId: "shardId-000000000001",
    sequenceNumber: String(4950 + n),
    eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/tweets",
    partitionKey: "pk",
    approximateArrivalTimestamp: 1_790_000_000.5,
  },
  payload: "bm90IGpzb24=",
  reason: { kind: "not-json", message: "Unexpected token at position 0" },
});

it("sends 23 small dead letters in calls of at most 10 entries, every one accepted", async () => {
  // Issue 21 item 6: a packing that let an 11th small letter into a call went unnoticed (the property test of
  // packBatches almost never fills a batch by count); SQS refuses that whole call and its records are retried.
  const send = createSqsDeadLetterSender({ client, queueUrl: sqs.queueUrl("dlq") });
  const letters = Array.from({ length: 23 }, (_, n) => smallLetter(n));

  const result = await send(letters, { deadline: Date.now() + 30_000 });

  expect(result.failed).toEqual([]);
  expect(sqs.messages("dlq").map((m) => JSON.parse(m.body).sequenceNumber)).toEqual(
    letters.map((l) => l.origin.sequenceNumber),
  );
});

it("fails every letter and flags the cut when the deadline has passed before a call", async () => {
  const send = createSqsDeadLetterSender({ client, queueUrl: sqs.queueUrl("dlq") });

  const result = await send([smallLetter(100), smallLetter(101)], { deadline: Date.now() - 1 });

  expect(result.cutByDeadline).toBe(true);
  expect(result.failed.map((f) => f.reason)).toEqual([
    "deadline reached before the dead-letter send",
    "deadline reached before the dead-letter send",
  ]);
});
