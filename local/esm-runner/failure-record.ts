import { randomUUID } from "node:crypto";
import type { DiscardCondition } from "./batch-delivery.js";
import type { InvokeTarget } from "./invoke-handler.js";
import { type StreamRecord, toKinesisEvent } from "./stream-record.js";

/**
 * What Lambda writes to a Kinesis mapping's S3 on-failure destination: the invocation record (condition, attempts,
 * and the batch's place in the stream) and, in `payload`, the whole invocation (the Kinesis event with every record)
 * as a JSON object, as AWS writes it (LocalStack's snapshot recorded against AWS; processor/replay/test/fixtures
 * holds a copy), so the batch can be replayed after the stream has dropped it. `functionError` is Lambda's error type ("Unhandled"), never the error's text: the
 * reason goes to a log line.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
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
    payload: toKinesisEvent(records, target.source),
  };
}

/**
 * The object key Lambda gives a kept batch: `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>`
 * (UTC), so keys sort by time within a shard.
 */
export function keptBatchKey(mappingUuid: string, shardId: string, at: Date): string {
  const iso = at.toISOString();
  const [date = "", time = ""] = iso.split("T");
  const stamp = `${date}T${time.slice(0, 8).replaceAll(":", ".")}`;
  return `aws/lambda/${mappingUuid}/${shardId}/${date.replaceAll("-", "/")}/${stamp}-${randomUUID()}`;
}
