import type { InvokeTarget } from "./invoke-handler.js";
import type { StreamRecord } from "./stream-record.js";

/**
 * The message Lambda sends to a Kinesis mapping's on-failure destination: metadata that locates the
 * records in the stream (while retention lasts), not the records themselves.
 */
export function failureRecord(
  records: readonly StreamRecord[],
  reason: string,
  attempts: number,
  target: InvokeTarget,
) {
  const first = records[0];
  const last = records.at(-1);
  return {
    requestContext: {
      requestId: `local-${Date.now()}`,
      functionArn: `arn:aws:lambda:${target.source.region}:000000000000:function:${target.functionName}`,
      condition: "RetryAttemptsExhausted",
      approximateInvokeCount: attempts,
    },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: reason },
    version: "1.0",
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId: first?.shardId,
      startSequenceNumber: first?.sequenceNumber,
      endSequenceNumber: last?.sequenceNumber,
      approximateArrivalOfFirstRecord: first?.approximateArrivalTimestamp.toISOString(),
      approximateArrivalOfLastRecord: last?.approximateArrivalTimestamp.toISOString(),
      batchSize: records.length,
      streamArn: target.source.streamArn,
    },
  };
}
