/**
 * The few protobuf primitives the KPL aggregate format needs (varints and length-delimited fields).
 *
 * Hand-written instead of protobufjs on purpose: the format is three fixed messages, the producer sizes
 * aggregates incrementally on its hot path (protobufjs only measures a whole message), and the Lambda
 * bundle stays small. Interoperability with protobufjs-encoded aggregates is proven against the
 * `aws-kinesis-agg` package in the tests.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** Bytes a non-negative integer (< 2^53) takes as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

/** Bytes a length-delimited field (tag + length + payload) takes, for a one-byte tag. */
export function lengthDelimitedSize(payloadLength: number): number {
  return 1 + varintSize(payloadLength) + payloadLength;
}

/** Writes into a buffer the caller sized exactly beforehand. */
export class ProtoWriter {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }
}

export class ProtoFormatError extends Error {
  override readonly name = "ProtoFormatError";
}

/** A bounds-checked reader: every malformed input ends in a ProtoFormatError, never a hang or overread. */
export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new ProtoFormatError("truncated varint");
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new ProtoFormatError("varint out of range");
        return result;
      }
      multiplier *= 128;
    }
    throw new ProtoFormatError("varint out of range");
  }

  /** Returns [field, wireType]. */
  tag(): [number, number] {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtoFormatError("field number 0");
    return [field, key & 7];
  }

  /** Returns the [start, end) range of a length-delimited payload and moves past it. */
  lengthDelimited(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new ProtoFormatError("length-delimited field overruns its message");
    this.pos = start + length;
    return [start, this.pos];
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LENGTH_DELIMITED) this.lengthDelimited();
    else if (wireType === WIRE_FIXED64) this.advance(8);
    else if (wireType === WIRE_FIXED32) this.advance(4);
    else throw new ProtoFormatError(`unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw new ProtoFormatError("truncated fixed-width field");
    this.pos += n;
  }
}
