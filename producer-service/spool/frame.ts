import { crc32 } from "node:zlib";
import { SpoolError } from "./errors.js";

/**
 * On-disk frame: `[u32 payload length][u32 crc32][payload]`, big-endian.
 * The checksum covers the length field and the payload, so a flipped bit in either is caught.
 * Payload (format version 1): `[u8 version][f64 receivedAt][u16 partition key length][partition key][data]`.
 */
export const FRAME_HEADER_BYTES = 8;
const FORMAT_VERSION = 1;
const PAYLOAD_FIXED_BYTES = 1 + 8 + 2;

/**
 * Above Kinesis's own per-record limit, so the spool never decides what Kinesis accepts, while a length field
 * beyond it is recognised as corruption rather than trusted as a reason to allocate gigabytes.
 */
export const MAX_SPOOL_RECORD_BYTES = 16 * 1024 * 1024;
const MAX_PARTITION_KEY_BYTES = 0xffff;
const MAX_PAYLOAD_BYTES = PAYLOAD_FIXED_BYTES + MAX_SPOOL_RECORD_BYTES;

/** One Kinesis record waiting to be sent, with the time the producer received its tweet. */
export interface SpoolRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Epoch milliseconds; stored as a float64, so any JavaScript number round-trips exactly. */
  readonly receivedAt: number;
}

/** Bytes a record counts for in Kinesis's request limits: the partition key's UTF-8 bytes plus the data. */
export function recordSize(record: SpoolRecord): number {
  return Buffer.byteLength(record.partitionKey, "utf8") + record.data.byteLength;
}

export function encodeFrame(record: SpoolRecord): Buffer {
  const key = Buffer.from(record.partitionKey, "utf8");
  // UTF-8 cannot carry a lone surrogate (Buffer.from turns it into U+FFFD): the key would come back different.
  if (key.toString("utf8") !== record.partitionKey) {
    throw new SpoolError(
      "record-invalid",
      "partition key is not well-formed Unicode (it has a lone surrogate)",
    );
  }
  if (key.length > MAX_PARTITION_KEY_BYTES) {
    throw new SpoolError(
      "record-invalid",
      `partition key is ${key.length} bytes; the spool stores at most 65535`,
    );
  }
  if (key.length + record.data.byteLength > MAX_SPOOL_RECORD_BYTES) {
    throw new SpoolError(
      "record-invalid",
      `record is ${key.length + record.data.byteLength} bytes; the spool stores at most ${MAX_SPOOL_RECORD_BYTES}`,
    );
  }
  if (!Number.isFinite(record.receivedAt)) {
    throw new SpoolError("record-invalid", `receivedAt must be a finite number, got ${record.receivedAt}`);
  }
  const payloadLength = PAYLOAD_FIXED_BYTES + key.length + record.data.byteLength;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  frame.writeUInt32BE(payloadLength, 0);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeUInt8(FORMAT_VERSION, at);
  at = frame.writeDoubleBE(record.receivedAt, at);
  at = frame.writeUInt16BE(key.length, at);
  at += key.copy(frame, at);
  frame.set(record.data, at);
  frame.writeUInt32BE(frameChecksum(frame, FRAME_HEADER_BYTES + payloadLength), 4);
  return frame;
}

function frameChecksum(frame: Uint8Array, end: number): number {
  return crc32(frame.subarray(FRAME_HEADER_BYTES, end), crc32(frame.subarray(0, 4)));
}

/** What lies at an offset: a whole valid frame, the start of one cut short, or bytes that are not a frame. */
export type FrameProbe =
  | { readonly kind: "frame"; readonly frameBytes: number }
  | { readonly kind: "incomplete"; readonly needBytes: number }
  | { readonly kind: "invalid"; readonly reason: string };

/**
 * Checks the frame starting at `buffer[0]`. `remaining` is how many bytes the file still holds from there
 * (possibly more than `buffer` has loaded), so "incomplete" means the file itself ends inside the frame.
 */
export function probeFrame(buffer: Uint8Array, remaining: number): FrameProbe {
  if (remaining < FRAME_HEADER_BYTES) return { kind: "incomplete", needBytes: FRAME_HEADER_BYTES };
  if (buffer.length < FRAME_HEADER_BYTES) return { kind: "incomplete", needBytes: FRAME_HEADER_BYTES };
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const payloadLength = view.readUInt32BE(0);
  if (payloadLength < PAYLOAD_FIXED_BYTES || payloadLength > MAX_PAYLOAD_BYTES) {
    return { kind: "invalid", reason: `frame length ${payloadLength} is out of range` };
  }
  const frameBytes = FRAME_HEADER_BYTES + payloadLength;
  if (remaining < frameBytes || buffer.length < frameBytes)
    return { kind: "incomplete", needBytes: frameBytes };
  if (frameChecksum(view, frameBytes) !== view.readUInt32BE(4))
    return { kind: "invalid", reason: "checksum mismatch" };
  if (view.readUInt8(FRAME_HEADER_BYTES) !== FORMAT_VERSION) {
    return { kind: "invalid", reason: `unknown record format ${view.readUInt8(FRAME_HEADER_BYTES)}` };
  }
  const keyLength = view.readUInt16BE(FRAME_HEADER_BYTES + 9);
  if (PAYLOAD_FIXED_BYTES + keyLength > payloadLength) {
    return { kind: "invalid", reason: `partition key length ${keyLength} exceeds the frame` };
  }
  return { kind: "frame", frameBytes };
}

/** Decodes a frame already accepted by `probeFrame`. The data is copied, so it outlives the read buffer. */
export function decodeFrame(frame: Buffer): SpoolRecord {
  const receivedAt = frame.readDoubleBE(FRAME_HEADER_BYTES + 1);
  const keyLength = frame.readUInt16BE(FRAME_HEADER_BYTES + 9);
  const keyStart = FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES;
  const partitionKey = frame.toString("utf8", keyStart, keyStart + keyLength);
  const data = Buffer.from(frame.subarray(keyStart + keyLength));
  return { partitionKey, data, receivedAt };
}
