/**
 * The request checks Kinesis applies to PutRecords and PutRecord, as documented in the API reference:
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
 * The sink rejects what Kinesis would reject, so a producer that passes the bench also passes AWS.
 */
export const MAX_RECORDS_PER_REQUEST = 500;
/** Data blob plus partition key, per record. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Data blobs plus partition keys, per request (AWS documents 5 MiB for PutRecords). */
export const DEFAULT_MAX_REQUEST_BYTES = 5 * 1024 * 1024;
const MAX_PARTITION_KEY_CHARS = 256;
const EXPLICIT_HASH_KEY = /^(0|[1-9]\d{0,38})$/;
const URL_SAFE_CHARS = /[-_]/;

export type KinesisErrorType = "ValidationException" | "InvalidArgumentException" | "SerializationException";

export class KinesisRequestError extends Error {
  constructor(
    readonly type: KinesisErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** One accepted record, measured the way Kinesis meters and bills it. */
export interface AcceptedRecord {
  dataBytes: number;
  partitionKeyBytes: number;
  /** The decoded blob, kept only when the caller asks to inspect it (aggregate counting). */
  data: Buffer;
}

/** Validates a PutRecords body (already JSON-parsed) and returns its records; throws KinesisRequestError. */
export function checkPutRecords(
  body: unknown,
  maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES,
): AcceptedRecord[] {
  const request = asObject(body);
  requireStream(request);
  const records = request.Records;
  if (!Array.isArray(records) || records.length === 0) {
    throw new KinesisRequestError("ValidationException", "Records must be a non-empty list");
  }
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    throw new KinesisRequestError(
      "ValidationException",
      `1 validation error detected: Value at 'records' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${MAX_RECORDS_PER_REQUEST} (got ${records.length})`,
    );
  }
  let total = 0;
  const accepted: AcceptedRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = checkRecord(asObject(records[i]), `Records.${i}`);
    total += record.dataBytes + record.partitionKeyBytes;
    accepted.push(record);
  }
  if (total > maxRequestBytes) {
    throw new KinesisRequestError(
      "InvalidArgumentException",
      `Records size ${total} exceeds the ${maxRequestBytes}-byte request limit`,
    );
  }
  return accepted;
}

/** Validates a PutRecord body (already JSON-parsed); throws KinesisRequestError. */
export function checkPutRecord(body: unknown): AcceptedRecord {
  const request = asObject(body);
  requireStream(request);
  return checkRecord(request, "record");
}

function checkRecord(record: Record<string, unknown>, where: string): AcceptedRecord {
  const { Data, PartitionKey, ExplicitHashKey } = record;
  if (
    typeof PartitionKey !== "string" ||
    PartitionKey.length < 1 ||
    PartitionKey.length > MAX_PARTITION_KEY_CHARS
  ) {
    throw new KinesisRequestError(
      "ValidationException",
      `${where}.PartitionKey must be a string of 1 to ${MAX_PARTITION_KEY_CHARS} characters`,
    );
  }
  if (
    ExplicitHashKey !== undefined &&
    (typeof ExplicitHashKey !== "string" || !EXPLICIT_HASH_KEY.test(ExplicitHashKey))
  ) {
    throw new KinesisRequestError(
      "ValidationException",
      `${where}.ExplicitHashKey must be a decimal 128-bit integer`,
    );
  }
  if (typeof Data !== "string") {
    throw new KinesisRequestError("SerializationException", `${where}.Data must be a base64 string`);
  }
  const data = decodeStrictBase64(Data, where);
  const partitionKeyBytes = Buffer.byteLength(PartitionKey, "utf8");
  if (data.length + partitionKeyBytes > MAX_RECORD_BYTES) {
    throw new KinesisRequestError(
      "ValidationException",
      `${where} is ${data.length + partitionKeyBytes} bytes with its partition key; the limit is ${MAX_RECORD_BYTES}`,
    );
  }
  return { dataBytes: data.length, partitionKeyBytes, data };
}

/**
 * Buffer.from(s, "base64") skips characters outside the alphabet instead of failing, so the decoded length
 * is compared with the length the text must decode to: any skipped character makes them differ.
 */
function decodeStrictBase64(text: string, where: string): Buffer {
  // Node also accepts the URL-safe alphabet; Kinesis's JSON protocol uses the standard one only.
  if (URL_SAFE_CHARS.test(text)) {
    throw new KinesisRequestError("SerializationException", `${where}.Data is not valid base64`);
  }
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const decoded = Buffer.from(text, "base64");
  if (text.length % 4 !== 0 || decoded.length !== (text.length / 4) * 3 - padding) {
    throw new KinesisRequestError("SerializationException", `${where}.Data is not valid base64`);
  }
  return decoded;
}

function requireStream(request: Record<string, unknown>): void {
  const { StreamName, StreamARN } = request;
  if (typeof StreamName !== "string" && typeof StreamARN !== "string") {
    throw new KinesisRequestError("ValidationException", "StreamName or StreamARN is required");
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new KinesisRequestError("SerializationException", "expected a JSON object");
  }
  return value as Record<string, unknown>;
}
