import { describe, expect, it } from "vitest";
import { KeptBatchError, parseKeptBatch } from "../kept-batch.js";

// An SQS on-failure record (AWS's documented example): where the batch was, not its records.
const sqsRecord = {
  requestContext: { requestId: "c9b8fa9f", condition: "RetryAttemptsExhausted", approximateInvokeCount: 1 },
  responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
  version: "1.0",
  timestamp: "2019-11-14T00:38:06.021Z",
  KinesisBatchInfo: {
    shardId: "shardId-000000000001",
    batchSize: 1,
    streamArn: "arn:aws:kinesis:::stream/s",
  },
};
const record = {
  kinesis: {
    kinesisSchemaVersion: "1.0",
    partitionKey: "alice",
    sequenceNumber: "49601189658422359378836298521827638475320189012309704722",
    data: Buffer.from("{}").toString("base64"),
    approximateArrivalTimestamp: 1573691884.835,
  },
  eventSource: "aws:kinesis",
  eventID: "shardId-000000000001:49601189658422359378836298521827638475320189012309704722",
  eventSourceARN: "arn:aws:kinesis:::stream/s",
};

describe("parseKeptBatch", () => {
  it("reads Lambda's S3 on-failure record: the condition, the shard and the records in its payload", () => {
    const text = JSON.stringify({ ...sqsRecord, payload: JSON.stringify({ Records: [record] }) });

    expect(parseKeptBatch("s3://b/k", text)).toEqual({
      source: "s3://b/k",
      condition: "RetryAttemptsExhausted",
      shardId: "shardId-000000000001",
      records: [record],
    });
  });

  it.each([
    ["not JSON at all", "{", "s3://b/k: the file is not JSON"],
    [
      "an SQS on-failure record",
      JSON.stringify(sqsRecord),
      "payload has no payload: an SQS or SNS on-failure record",
    ],
    [
      "a payload of fewer records than the batch",
      JSON.stringify({
        ...sqsRecord,
        KinesisBatchInfo: { ...sqsRecord.KinesisBatchInfo, batchSize: 2 },
        payload: JSON.stringify({ Records: [record] }),
      }),
      "KinesisBatchInfo.batchSize is 2 but the payload holds 1 records",
    ],
    [
      "a payload without records",
      JSON.stringify({ ...sqsRecord, payload: JSON.stringify({ Records: [] }) }),
      "payload Records holds no records",
    ],
  ])("refuses %s, naming the file and the problem", (_, text, expected) => {
    expect(() => parseKeptBatch("s3://b/k", text)).toThrow(KeptBatchError);
    expect(() => parseKeptBatch("s3://b/k", text)).toThrow(expected);
  });
});
