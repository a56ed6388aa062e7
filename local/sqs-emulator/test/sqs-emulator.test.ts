import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { md5OfMessageAttributes } from "../digests.js";
import { type SqsEmulator, startSqsEmulator } from "../index.js";

let emulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  emulator = await startSqsEmulator({ queues: ["dlq"] });
  sqs = new SQSClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterEach(() => emulator.setFailing(false));

afterAll(async () => {
  sqs.destroy();
  await emulator.close();
});

describe("SQS emulator, through the real AWS SDK client", () => {
  it("creates queues and resolves their URLs", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "created" }));
    const found = await sqs.send(new GetQueueUrlCommand({ QueueName: "created" }));

    expect(found.QueueUrl).toBe(QueueUrl);
    expect(QueueUrl).toBe(emulator.queueUrl("created"));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" }))).rejects.toMatchObject({
      name: "QueueDoesNotExist",
    });
  });

  it("accepts a batch with real MD5 digests (the SDK verifies them) and records it", async () => {
    const queue = emulator.queueUrl("batch");
    const bodies = ["one", "zwei ✓", "🚀 three"];

    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue,
        Entries: bodies.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody })),
      }),
    );

    expect(out.Successful?.map((s) => s.Id)).toEqual(["m0", "m1", "m2"]);
    expect(out.Failed ?? []).toEqual([]);
    expect(emulator.messages("batch").map((m) => m.body)).toEqual(bodies);
    expect(emulator.requestCounts().SendMessageBatch).toBeGreaterThanOrEqual(1);
  });

  it("sends, receives with attributes, hides received messages and deletes them", async () => {
    const queue = emulator.queueUrl("roundtrip");
    const attributes = { kind: { DataType: "String", StringValue: "schema" } };
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queue, MessageBody: "hello", MessageAttributes: attributes }),
    );
    expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));

    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
    );
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue }));
    const message = first.Messages?.[0];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue, ReceiptHandle: message?.ReceiptHandle }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );

    expect(message).toMatchObject({ Body: "hello", MessageAttributes: attributes });
    expect(again.Messages ?? []).toEqual([]);
    expect(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("0");
    expect(emulator.messages("roundtrip")[0]).toMatchObject({
      body: "hello",
      deleted: true,
      receiveCount: 1,
    });
  });

  it("long-polls until a message arrives", async () => {
    const queue = emulator.queueUrl("longpoll");
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl: queue, WaitTimeSeconds: 2 }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: "late" })), 100);

    expect((await receiving).Messages?.[0]?.Body).toBe("late");
  });

  it("enforces SQS's batch limits", async () => {
    const queue = emulator.queueUrl("limits");
    const entries = (n: number, body = "x") =>
      Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: body }));

    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: entries(11) })),
    ).rejects.toThrow(/at most 10/);
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: entries(2, "y".repeat(140_000)) })),
    ).rejects.toThrow(/batch payload is 280000 bytes/);
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: [...entries(1), ...entries(1)] })),
    ).rejects.toThrow(/duplicate batch entry id/);
    const invalid = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queue, Entries: [{ Id: "bad", MessageBody: "nul \u0000" }] }),
    );
    expect(invalid.Failed).toMatchObject([{ Id: "bad", SenderFault: true, Code: "InvalidMessageContents" }]);
    expect(emulator.messages("limits")).toEqual([]);
  });

  it("refuses exactly the characters SQS refuses (InvalidMessageContents), alone and in a batch", async () => {
    const queue = emulator.queueUrl("characters");
    const allowed = ["\t\n\r", " ~", "\uD7FF", "\uE000", "\uFFFD", "\u{10000}", "\u{10FFFF}", "🚀"];
    const refused = ["\u0000", "\u0008", "\u001F", "\uFFFE", "\uFFFF", "\uD800", "x\uDC00"];

    const sendBatch = (bodies: string[]) =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue,
          Entries: bodies.map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
        }),
      );
    const accepted = await sendBatch(allowed);
    const batch = await sendBatch(refused);
    const alone = await sqs
      .send(new SendMessageCommand({ QueueUrl: queue, MessageBody: "tweet \uFFFF" }))
      .catch((err: Error) => err);
    const inAttribute = await sqs
      .send(
        new SendMessageCommand({
          QueueUrl: queue,
          MessageBody: "ok",
          MessageAttributes: { note: { DataType: "String", StringValue: "\u0001" } },
        }),
      )
      .catch((err: Error) => err);

    expect(accepted.Successful?.map((entry) => entry.Id)).toEqual(allowed.map((_, i) => `e${i}`));
    expect(batch.Successful ?? []).toEqual([]);
    expect(batch.Failed?.map((entry) => [entry.Id, entry.Code, entry.SenderFault])).toEqual(
      refused.map((_, i) => [`e${i}`, "InvalidMessageContents", true]),
    );
    expect(batch.Failed?.[4]?.Message).toBe(
      "Invalid binary character '#xFFFF' was found in the message body, the set of allowed characters is " +
        "#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF",
    );
    expect(alone).toMatchObject({ name: "InvalidMessageContents" });
    expect(inAttribute).toMatchObject({ name: "InvalidMessageContents" });
    expect(emulator.messages("characters").map((m) => m.body)).toEqual(allowed);
  });

  it("injects faults: HTTP 500, dropped connections and failed batch entries", async () => {
    const queue = emulator.queueUrl("faults");
    const batch = () =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: [{ Id: "a", MessageBody: "a" }] }));

    emulator.setFailing("server-error");
    await expect(batch()).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    emulator.setFailing("connection-reset");
    await expect(batch()).rejects.toThrow();
    emulator.setFailing("entry-failures");
    expect((await batch()).Failed).toMatchObject([{ Id: "a", SenderFault: false }]);
    emulator.setFailing(false);
    expect((await batch()).Successful).toHaveLength(1);
    expect(emulator.messages("faults")).toHaveLength(1);
  });
});
