import { deaggregate, decodeEvent, isAggregated } from "../../events/index.js";
import type { AcceptedRecord } from "./put-records-rules.js";

/** Provisioned mode bills PUT payload units of 25 KB per record, rounded up. */
export const PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
/** On-demand mode bills ingested bytes with each record rounded up to 1 KB. */
export const ON_DEMAND_ROUNDING_BYTES = 1024;
/** Every Nth plain record is decoded against the event schema: a cheap guard that the producer sends events. */
const SCHEMA_SAMPLE_EVERY = 997;

/** What the sink has accepted since it was last reset. */
export interface SinkCounters {
  putRecordsCalls: number;
  putRecordCalls: number;
  rejectedCalls: number;
  lastRejection?: string;
  /** Kinesis records (an aggregate counts once). */
  records: number;
  aggregatedRecords: number;
  /** Tweets: plain records plus the user records inside aggregates. */
  userRecords: number;
  dataBytes: number;
  partitionKeyBytes: number;
  provisionedPutUnits: number;
  onDemandBilledBytes: number;
  /** Records that failed the sampled schema check or were corrupt aggregates. */
  invalidPayloads: number;
  firstInvalidPayload?: string;
}

export function emptyCounters(): SinkCounters {
  return {
    putRecordsCalls: 0,
    putRecordCalls: 0,
    rejectedCalls: 0,
    records: 0,
    aggregatedRecords: 0,
    userRecords: 0,
    dataBytes: 0,
    partitionKeyBytes: 0,
    provisionedPutUnits: 0,
    onDemandBilledBytes: 0,
    invalidPayloads: 0,
  };
}

/** Billing of one record: partition key included, as Kinesis sizes a record. */
export function billingOf(recordBytes: number): { putUnits: number; onDemandBytes: number } {
  return {
    putUnits: Math.ceil(recordBytes / PUT_PAYLOAD_UNIT_BYTES),
    onDemandBytes: Math.ceil(recordBytes / ON_DEMAND_ROUNDING_BYTES) * ON_DEMAND_ROUNDING_BYTES,
  };
}

/** Adds one accepted record to the counters, opening aggregates (checksum included) to count their tweets. */
export function countRecord(counters: SinkCounters, record: AcceptedRecord): void {
  const bytes = record.dataBytes + record.partitionKeyBytes;
  const billing = billingOf(bytes);
  counters.records++;
  counters.dataBytes += record.dataBytes;
  counters.partitionKeyBytes += record.partitionKeyBytes;
  counters.provisionedPutUnits += billing.putUnits;
  counters.onDemandBilledBytes += billing.onDemandBytes;
  if (isAggregated(record.data)) {
    counters.aggregatedRecords++;
    const users = deaggregate(record.data);
    if (users.ok) counters.userRecords += users.value.length;
    else invalid(counters, users.error.message);
    return;
  }
  counters.userRecords++;
  if (counters.userRecords % SCHEMA_SAMPLE_EVERY === 0) {
    const event = decodeEvent(record.data);
    if (!event.ok) invalid(counters, event.error.message);
  }
}

function invalid(counters: SinkCounters, message: string): void {
  counters.invalidPayloads++;
  counters.firstInvalidPayload ??= message;
}
