import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KeptBatchError, parseKeptBatch } from "../kept-batch.js";

/**
 * An S3 on-failure record in the shape AWS writes it, `payload` a JSON object: LocalStack's snapshot recorded against
 * AWS (tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_kinesis.snapshot.json,
 * test_kinesis_event_source_mapping_with_s3_on_failure_destination), its placeholders filled with plausible values.
 */
const awsRecordPath = new URL("fixtures/aws-s3-on-failure-record.json", import.meta.url);

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
  it("reads the record as AWS writes it to S3: payload a JSON object", () => {
    const text = readFileSync(awsRecordPath, "utf8");
    const aws = JSON.parse(text);

    expect(parseKeptBatch("s3://b/k", text)).toEqual({
      source: "s3://b/k",
      condition: "RetryAttemptsExhausted",
      shardId: "shardId-000000000000",
      records: aws.payload.Records,
    });
  });

  it("reads Lambda's S3 on-failure record: the condition, the shard and the records in its payload", () => {
    const text = JSON.stringify({ ...sqsRecord, payload: { Records: [record] } });

    expect(parseKeptBatch("s3://b/k", text)).toEqual({
      source: "s3://b/k",
      condition: "RetryAttemptsExhausted",
      shardId: "shardId-000000000001",
      records: [record],
    });
  });

  it("reads a payload written as an escaped JSON string too (the example in AWS's guide)", () => {
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
        payload: { Records: [record] },
      }),
      "KinesisBatchInfo.batchSize is 2 but the payload holds 1 records",
    ],
    [
      "a payload without records",
      JSON.stringify({ ...sqsRecord, payload: { Records: [] } }),
      "payload Records holds no records",
    ],
    [
      "a payload that is neither an object nor a string",
      JSON.stringify({ ...sqsRecord, payload: 7 }),
      "payload must be the invocation: a JSON object",
    ],
    [
      "a string payload that is not JSON",
      JSON.stringify({ ...sqsRecord, payload: "{" }),
      "its payload is not JSON",
    ],
  ])("refuses %s, naming the file and the problem", (_, text, expected) => {
    expect(() => parseKeptBatch("s3://b/k", text)).toThrow(KeptBatchError);
    expect(() => parseKeptBatch("s3://b/k", text)).toThrow(expected);
  });
});
