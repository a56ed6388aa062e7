import { randomUUID } from "node:crypto";
import { type MessageAttributeValue, md5OfBody, md5OfMessageAttributes } from "./digests.js";

/** One message as the emulator recorded it. `deleted` stays visible so tests can see everything received. */
export interface RecordedMessage {
  messageId: string;
  body: string;
  messageAttributes?: Record<string, MessageAttributeValue>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  deleted: boolean;
}

interface StoredMessage extends RecordedMessage {
  visibleAt: number;
  receiptHandle?: string;
}

/**
 * An in-memory standard queue: messages become invisible for the visibility timeout when received and come
 * back unless deleted, as in SQS. Order is kept (SQS only promises best-effort order for standard queues).
 */
export class Queue {
  private readonly stored: StoredMessage[] = [];

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly defaultVisibilityTimeoutSeconds = 30,
  ) {}

  send(body: string, messageAttributes: Record<string, MessageAttributeValue> | undefined, delaySeconds = 0) {
    const now = Date.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      sentTimestamp: now,
      receiveCount: 0,
      deleted: false,
      visibleAt: now + delaySeconds * 1000,
    };
    if (messageAttributes && Object.keys(messageAttributes).length > 0) {
      message.messageAttributes = messageAttributes;
      message.md5OfMessageAttributes = md5OfMessageAttributes(messageAttributes);
    }
    this.stored.push(message);
    return message;
  }

  receive(max: number, visibilityTimeoutSeconds = this.defaultVisibilityTimeoutSeconds) {
    const now = Date.now();
    const taken: (StoredMessage & { receiptHandle: string })[] = [];
    for (const message of this.stored) {
      if (taken.length >= max) break;
      if (message.deleted || message.visibleAt > now) continue;
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      const receiptHandle = `${message.messageId}:${randomUUID()}`;
      message.receiptHandle = receiptHandle;
      taken.push({ ...message, receiptHandle });
    }
    return taken;
  }

  /** Deletes by receipt handle; like SQS, an unknown or stale handle is not an error. */
  delete(receiptHandle: string): void {
    const message = this.stored.find((m) => m.receiptHandle === receiptHandle);
    if (message) message.deleted = true;
  }

  counts() {
    const now = Date.now();
    const live = this.stored.filter((m) => !m.deleted);
    const visible = live.filter((m) => m.visibleAt <= now).length;
    return { visible, notVisible: live.length - visible };
  }

  /** Everything this queue ever accepted, in order, deleted messages included. */
  recorded(): RecordedMessage[] {
    return this.stored.map(({ visibleAt: _v, receiptHandle: _r, ...message }) => ({ ...message }));
  }
}
