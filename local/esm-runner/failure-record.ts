import { randomUUID } from "node:crypto";
import type { DiscardCondition } from "./batch-delivery.js";
import type { InvokeTarget } from "./invoke-handler.js";
import type { StreamRecord } from "./stream-record.js";

/**
 * The message Lambda sends to a Kinesis mapping's on-failure destination, shaped as AWS's documented example:
 * metadata that locates the records in the stream (while retention lasts), not the records themselves.
 * `functionError` is Lambda's error type ("Unhandled"), never the error's text: the reason goes to a log
 * line, where it cannot carry a payload into the queue.
 */
export function failureRecord(
  records: readonly StreamRecord[],
  condition: DiscardCondition,
  attempts: number,
  target: InvokeTarget,
) {
  const first = records[0];
  const last = records.at(-1);
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${target.source.region}:000000000000:function:${target.functionName}`,
      condition,
      approximateInvokeCount: attempts,
    },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
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
