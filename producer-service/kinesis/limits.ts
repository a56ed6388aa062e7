/**
 * Kinesis Data Streams service limits the writer enforces before sending, so a request never fails for them.
 * https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
 */

/** Data plus partition key of one record (a stream's default maximum record size). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Records in one PutRecords call. */
export const MAX_RECORDS_PER_REQUEST = 500;
