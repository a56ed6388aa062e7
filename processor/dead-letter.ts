import type { DecodeErrorKind } from "../events/index.js";
import type { ItemLimitKind } from "./item-limits.js";

/**
 * Why a record can never be written: a decode error of the contract, a DynamoDB limit it breaks, or an item
 * DynamoDB itself refused (`dynamodb-rejected`, with DynamoDB's message).
 */
export type DeadLetterKind = DecodeErrorKind | ItemLimitKind | "dynamodb-rejected";

/** Where a Kinesis record came from: enough to find it again in the stream. */
export interface RecordOrigin {
  shardId: string;
  sequenceNumber: string;
  eventSourceARN: string;
  partitionKey: string;
  approximateArrivalTimestamp: number;
}

/** A record (or one user record of an aggregate) that can never succeed, on its way to the dead-letter queue. */
export interface DeadLetter {
  origin: RecordOrigin;
  /** Set when one user record failed on its own (0 for a plain record); absent when the whole record failed. */
  subSequenceNumber?: number;
  /** The failing bytes exactly as received, base64. */
  payload: string;
  reason: { kind: DeadLetterKind; message: string; path?: string };
}

// A schema error lists every issue: an event with thousands of bad fields must not make a reason that
// outgrows the log line or the SQS message.
const MAX_REASON_CHARS = 1000;

/** The reason as stored and logged: message and path capped at 1,000 characters. */
export function deadLetterReason(error: {
  kind: DeadLetterKind;
  message: string;
  path?: string | undefined;
}) {
  const reason: DeadLetter["reason"] = { kind: error.kind, message: cap(error.message) };
  if (error.path) reason.path = cap(error.path);
  return reason;
}

function cap(text: string): string {
  return text.length <= MAX_REASON_CHARS
    ? text
    : `${text.slice(0, MAX_REASON_CHARS)}… (${text.length} characters)`;
}

/** The JSON body of a dead-letter message. `v` versions this shape for whoever drains the queue. */
export interface DeadLetterMessage {
  v: 1;
  reason: DeadLetter["reason"];
  payload?: string;
  /** Set when the payload did not fit in one SQS message: read the record from the stream instead. */
  payloadOmitted?: true;
  payloadBase64Length: number;
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  eventSourceARN: string;
  partitionKey: string;
  approximateArrivalTimestamp: number;
  deadLetteredAt: string;
}

/**
 * Builds the message body, leaving the payload out when the body would exceed `maxBytes`: a Kinesis record
 * (up to 10 MiB) can outgrow an SQS message, and the shard id and sequence number still locate it.
 */
export function toDeadLetterBody(
  letter: DeadLetter,
  deadLetteredAt: string,
  maxBytes: number,
): { body: string; payloadOmitted: boolean } {
  const { origin } = letter;
  const message: DeadLetterMessage = {
    v: 1,
    reason: letter.reason,
    payload: letter.payload,
    payloadBase64Length: letter.payload.length,
    shardId: origin.shardId,
    sequenceNumber: origin.sequenceNumber,
    ...(letter.subSequenceNumber === undefined ? {} : { subSequenceNumber: letter.subSequenceNumber }),
    eventSourceARN: origin.eventSourceARN,
    partitionKey: origin.partitionKey,
    approximateArrivalTimestamp: origin.approximateArrivalTimestamp,
    deadLetteredAt,
  };
  const body = toSqsSafeJson(message);
  if (Buffer.byteLength(body, "utf8") <= maxBytes) return { body, payloadOmitted: false };
  const { payload: _omitted, ...rest } = message;
  return { body: toSqsSafeJson({ ...rest, payloadOmitted: true }), payloadOmitted: true };
}

// SQS refuses a body with any character outside XML 1.0's (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
// #x10000-#x10FFFF) as InvalidMessageContents, every time: such a dead letter was reported for retry forever and
// blocked its shard. JSON.stringify escapes control characters and lone surrogates but leaves U+FFFE and U+FFFF
// (from a partition key, a reason): written as \uFFFF they are the same JSON value in characters SQS accepts.
const NOT_SQS_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** JSON.stringify, with every character SQS refuses written as a JSON escape (same value when parsed). */
export function toSqsSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    NOT_SQS_CHARACTER,
    (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}
