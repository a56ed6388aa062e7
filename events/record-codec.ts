import { type DecodeResult, EventDecodeError } from "./decode-error.js";
import { describeJsonSyntaxError } from "./json-syntax-error.js";
import { deaggregate, isAggregated } from "./kpl-aggregate.js";
import { type TweetEvent, tweetEventSchema } from "./tweet-event.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// Standard alphabet with padding, as Kinesis and Lambda deliver it. Buffer.from(s, "base64") alone would
// silently skip invalid characters (and read URL-safe ones, and the low byte of non-Latin-1 ones) and hand
// us a corrupted payload.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// encodeEvent writes into a shared slab, as Buffer.from(string) writes into Node's 8 KiB pool, but in one pass:
// Buffer.from measures the UTF-8 length first and then encodes. A UTF-16 code unit takes at most 3 UTF-8 bytes,
// so `3 * length` free bytes always suffice. The slab is no larger than Node's pool, so a long-held record pins
// no more memory than a Buffer.from one did.
const SLAB_BYTES = 8 * 1024;
let slab = Buffer.allocUnsafe(SLAB_BYTES);
let slabOffset = 0;

/** Serializes an event as the UTF-8 JSON bytes of one stream record. */
export function encodeEvent(event: TweetEvent): Buffer {
  const json = JSON.stringify(event);
  const maxBytes = json.length * 3;
  if (maxBytes > SLAB_BYTES) return Buffer.from(json, "utf8");
  if (SLAB_BYTES - slabOffset < maxBytes) {
    slab = Buffer.allocUnsafe(SLAB_BYTES);
    slabOffset = 0;
  }
  const start = slabOffset;
  slabOffset += slab.write(json, start);
  return slab.subarray(start, slabOffset);
}

/** Parses and validates the bytes of one user record. */
export function decodeEvent(bytes: Uint8Array): DecodeResult<TweetEvent> {
  const text = utf8Text(bytes);
  return text === undefined ? notUtf8() : parseEvent(text);
}

function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
const notUtf8 = <T>() => fail<T>("not-utf8", "record is not valid UTF-8");

function parseEvent(text: string): DecodeResult<TweetEvent> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail("not-json", `record is not JSON: ${describeJsonSyntaxError(err, text.length)}`);
  }
  const parsed = tweetEventSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const first = parsed.error.issues[0];
  const path = first ? first.path.map(String).join(".") : "";
  const detail = parsed.error.issues
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  return {
    ok: false,
    error: new EventDecodeError("schema", `schema violation at ${detail}`, path || undefined),
  };
}

export function decodeBase64(data: string): DecodeResult<Buffer> {
  // Fast path: what Kinesis delivers is canonical base64, which re-encodes to itself (a few times cheaper
  // than the regex on record-sized strings). Anything else, such as non-zero trailing bits, which are
  // still valid, gets the regex: the result is exactly the regex's verdict either way.
  const decoded = Buffer.from(data, "base64");
  if (decoded.toString("base64") !== data && !BASE64.test(data)) {
    return fail("not-base64", "record data is not valid base64");
  }
  return { ok: true, value: decoded };
}

/** One user record of a Kinesis record: the whole record, or one entry of an aggregate. */
export interface DecodedUserRecord {
  /** Position inside an aggregate (0 for a plain record). */
  subSequenceNumber: number;
  /** The user record's own bytes, kept so a failure can be sent on untouched. */
  data: Uint8Array;
  /** Those bytes as text (absent when they are not UTF-8): decoded once, for the processor's Raw too. */
  text?: string;
  result: DecodeResult<TweetEvent>;
}

function decodeUser(subSequenceNumber: number, data: Uint8Array): DecodedUserRecord {
  const text = utf8Text(data);
  if (text === undefined) return { subSequenceNumber, data, result: notUtf8() };
  return { subSequenceNumber, data, text, result: parseEvent(text) };
}

/**
 * Decodes the base64 data of a Kinesis record into its user records: a record-level error (bad base64,
 * corrupt aggregate) fails the whole record; otherwise each user record succeeds or fails on its own.
 */
export function decodeRecordData(base64: string): DecodeResult<DecodedUserRecord[]> {
  const raw = decodeBase64(base64);
  if (!raw.ok) return raw;
  if (!isAggregated(raw.value)) {
    return { ok: true, value: [decodeUser(0, raw.value)] };
  }
  const users = deaggregate(raw.value);
  if (!users.ok) return users;
  return {
    ok: true,
    value: users.value.map((u, i) => decodeUser(i, u.data)),
  };
}

function fail<T>(kind: EventDecodeError["kind"], message: string): DecodeResult<T> {
  return { ok: false, error: new EventDecodeError(kind, message) };
}
