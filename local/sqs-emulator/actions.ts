import type { MessageAttributeValue } from "./digests.js";
import type { Queue } from "./queue.js";
import {
  batchError,
  invalidMessageContents,
  invalidParameter,
  queueDoesNotExist,
  type SqsError,
} from "./sqs-error.js";

/** What the actions need from the emulator: its queues and limits. */
export interface QueueRegistry {
  createQueue(name: string): string;
  byUrl(url: string): Queue | undefined;
  byName(name: string): Queue | undefined;
  list(): Queue[];
  maxMessageBytes: number;
  /** Set by the `entry-failures` fault: every batch entry is refused as a service-side failure. */
  refuseBatchEntries: boolean;
}

type Input = Record<string, unknown>;
type Action = (registry: QueueRegistry, input: Input) => Promise<unknown> | unknown;

// XML 1.0 characters, the only ones SQS accepts in a body and in string attribute values.
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ALLOWED_CHARACTERS = "#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF";
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_BATCH_ENTRIES = 10;

export const actions: Record<string, Action> = {
  CreateQueue: (registry, input) => ({ QueueUrl: registry.createQueue(requireString(input, "QueueName")) }),

  GetQueueUrl: (registry, input) => {
    const name = requireString(input, "QueueName");
    const queue = registry.byName(name);
    if (!queue) throw queueDoesNotExist(name);
    return { QueueUrl: queue.url };
  },

  ListQueues: (registry, input) => {
    const prefix = typeof input.QueueNamePrefix === "string" ? input.QueueNamePrefix : "";
    return {
      QueueUrls: registry
        .list()
        .filter((q) => q.name.startsWith(prefix))
        .map((q) => q.url),
    };
  },

  GetQueueAttributes: (registry, input) => {
    const counts = queueOf(registry, input).counts();
    return {
      Attributes: {
        ApproximateNumberOfMessages: String(counts.visible),
        ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
        MaximumMessageSize: String(registry.maxMessageBytes),
      },
    };
  },

  SendMessage: (registry, input) => {
    const queue = queueOf(registry, input);
    const attributes = input.MessageAttributes as Record<string, MessageAttributeValue> | undefined;
    const problem = checkMessage(registry, requireString(input, "MessageBody"), attributes);
    if (problem) throw problem;
    const sent = queue.send(input.MessageBody as string, attributes, Number(input.DelaySeconds ?? 0));
    return {
      MessageId: sent.messageId,
      MD5OfMessageBody: sent.md5OfBody,
      MD5OfMessageAttributes: sent.md5OfMessageAttributes,
    };
  },

  SendMessageBatch: (registry, input) => {
    const queue = queueOf(registry, input);
    const entries = checkBatch(registry, input.Entries);
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      const problem = checkMessage(registry, entry.MessageBody ?? "", entry.MessageAttributes);
      if (problem) {
        Failed.push({ Id: entry.Id, SenderFault: true, Code: problem.type, Message: problem.message });
      } else if (registry.refuseBatchEntries) {
        Failed.push({ Id: entry.Id, SenderFault: false, Code: "InternalError", Message: "injected fault" });
      } else {
        const sent = queue.send(
          entry.MessageBody as string,
          entry.MessageAttributes,
          entry.DelaySeconds ?? 0,
        );
        Successful.push({
          Id: entry.Id,
          MessageId: sent.messageId,
          MD5OfMessageBody: sent.md5OfBody,
          MD5OfMessageAttributes: sent.md5OfMessageAttributes,
        });
      }
    }
    return { Successful, Failed };
  },

  ReceiveMessage: async (registry, input) => {
    const queue = queueOf(registry, input);
    const max = Number(input.MaxNumberOfMessages ?? 1);
    if (!Number.isInteger(max) || max < 1 || max > 10)
      throw invalidParameter("MaxNumberOfMessages must be 1 to 10");
    const visibility = input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout);
    // Long polling: wait (checking every 50 ms) until a message is visible or WaitTimeSeconds has passed.
    const waitUntil = Date.now() + Number(input.WaitTimeSeconds ?? 0) * 1000;
    let messages = queue.receive(max, visibility);
    while (messages.length === 0 && Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      messages = queue.receive(max, visibility);
    }
    const wantsAttributes = requested(input.MessageAttributeNames);
    const wantsSystem = requested(input.MessageSystemAttributeNames ?? input.AttributeNames);
    return {
      Messages: messages.map((m) => ({
        MessageId: m.messageId,
        ReceiptHandle: m.receiptHandle,
        MD5OfBody: m.md5OfBody,
        Body: m.body,
        ...(wantsAttributes && m.messageAttributes
          ? { MessageAttributes: m.messageAttributes, MD5OfMessageAttributes: m.md5OfMessageAttributes }
          : {}),
        ...(wantsSystem
          ? {
              Attributes: {
                SentTimestamp: String(m.sentTimestamp),
                ApproximateReceiveCount: String(m.receiveCount),
                ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp),
              },
            }
          : {}),
      })),
    };
  },

  DeleteMessage: (registry, input) => {
    queueOf(registry, input).delete(requireString(input, "ReceiptHandle"));
    return {};
  },
};

interface BatchEntry {
  Id: string;
  MessageBody?: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

function checkBatch(registry: QueueRegistry, value: unknown): BatchEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw batchError("EmptyBatchRequest", "no batch entries");
  const entries = value as BatchEntry[];
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw batchError(
      "TooManyEntriesInBatchRequest",
      `${entries.length} entries; at most ${MAX_BATCH_ENTRIES}`,
    );
  }
  const ids = new Set<string>();
  let total = 0;
  for (const entry of entries) {
    if (typeof entry.Id !== "string" || !BATCH_ENTRY_ID.test(entry.Id)) {
      throw batchError("InvalidBatchEntryId", `invalid batch entry id ${JSON.stringify(entry.Id)}`);
    }
    if (ids.has(entry.Id))
      throw batchError("BatchEntryIdsNotDistinct", `duplicate batch entry id ${entry.Id}`);
    ids.add(entry.Id);
    total += messageBytes(entry.MessageBody ?? "", entry.MessageAttributes);
  }
  if (total > registry.maxMessageBytes) {
    throw batchError(
      "BatchRequestTooLong",
      `batch payload is ${total} bytes; at most ${registry.maxMessageBytes}`,
    );
  }
  return entries;
}

function checkMessage(
  registry: QueueRegistry,
  body: string,
  attributes: Record<string, MessageAttributeValue> | undefined,
): SqsError | undefined {
  if (body.length === 0) return invalidParameter("message body must not be empty");
  const invalid =
    invalidCharacter(body, "message body") ??
    Object.entries(attributes ?? {})
      .map(([name, a]) => invalidCharacter(a.StringValue ?? "", `message attribute ${name}`))
      .find((problem) => problem !== undefined);
  if (invalid) return invalid;
  const bytes = messageBytes(body, attributes);
  if (bytes > registry.maxMessageBytes) {
    return invalidParameter(`message is ${bytes} bytes; at most ${registry.maxMessageBytes}`);
  }
  return undefined;
}

/** SQS's own error for a character outside XML 1.0's, with SQS's wording. */
function invalidCharacter(text: string, where: string): SqsError | undefined {
  const found = INVALID_CHARACTER.exec(text);
  if (!found) return undefined;
  const hex = (found[0].codePointAt(0) ?? 0).toString(16).toUpperCase();
  return invalidMessageContents(
    `Invalid binary character '#x${hex}' was found in the ${where}, the set of allowed characters is ${ALLOWED_CHARACTERS}`,
  );
}

/** Size as SQS counts it against the limit: body plus each attribute's name, type and value. */
function messageBytes(body: string, attributes: Record<string, MessageAttributeValue> | undefined): number {
  let bytes = Buffer.byteLength(body, "utf8");
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    bytes += attribute.BinaryValue
      ? Buffer.from(attribute.BinaryValue, "base64").length
      : Buffer.byteLength(attribute.StringValue ?? "");
  }
  return bytes;
}

function queueOf(registry: QueueRegistry, input: Input): Queue {
  const url = requireString(input, "QueueUrl");
  const queue = registry.byUrl(url);
  if (!queue) throw queueDoesNotExist(url);
  return queue;
}

function requireString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== "string") throw invalidParameter(`${field} is required`);
  return value;
}

function requested(names: unknown): boolean {
  return Array.isArray(names) && names.length > 0;
}
