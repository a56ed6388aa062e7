import type { Context, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";

/** A record as read from a shard with GetRecords. */
export interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
  approximateArrivalTimestamp: Date;
}

export interface EventSourceInfo {
  streamArn: string;
  region: string;
  /** Role ARN Lambda would show as `invokeIdentityArn`; purely informative locally. */
  invokeIdentityArn: string;
}

/** Shapes records exactly as Lambda's Kinesis event source mapping does. */
export function toKinesisEvent(
  records: readonly StreamRecord[],
  source: EventSourceInfo,
): KinesisStreamEvent {
  return { Records: records.map((r) => toKinesisRecord(r, source)) };
}

export function toKinesisRecord(r: StreamRecord, source: EventSourceInfo): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: r.partitionKey,
      sequenceNumber: r.sequenceNumber,
      data: Buffer.from(r.data).toString("base64"),
      // Lambda sends seconds with a fractional part.
      approximateArrivalTimestamp: r.approximateArrivalTimestamp.getTime() / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${r.shardId}:${r.sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

let invocationCounter = 0;

/** A Lambda-shaped context whose remaining time counts down from the function timeout. */
export function lambdaContext(functionName: string, timeoutMs: number, region: string): Context {
  const deadline = Date.now() + timeoutMs;
  invocationCounter++;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: `local-${process.pid}-${invocationCounter}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
