import { type EventSourceInfo, type StreamRecord, toKinesisRecord } from "./stream-record.js";

/** Lambda's synchronous invocation payload limit (6 MB), which caps an event source mapping's batch too. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** `{"Records":[` and `]}`: the event's bytes around its records. */
const EVENT_ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ Records: [] }));

/** Bytes one record adds to the Lambda event, as JSON. */
export function eventRecordBytes(record: StreamRecord, source: EventSourceInfo): number {
  return Buffer.byteLength(JSON.stringify(toKinesisRecord(record, source)));
}

/**
 * How many records from the front of `records` make an event of at most `limitBytes`, as Lambda trims a
 * batch to fit its invocation payload. Always at least one: a single Kinesis record (1 MiB at most) fits.
 */
export function recordsThatFit(
  records: readonly StreamRecord[],
  source: EventSourceInfo,
  limitBytes: number = MAX_INVOCATION_PAYLOAD_BYTES,
): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  for (let i = 0; i < records.length; i++) {
    bytes += eventRecordBytes(records[i] as StreamRecord, source) + (i > 0 ? 1 : 0);
    if (bytes > limitBytes) return Math.max(1, i);
  }
  return records.length;
}
