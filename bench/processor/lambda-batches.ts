import { readFileSync, writeFileSync } from "node:fs";
import type { KinesisStreamEvent } from "aws-lambda";
import {
  type EventSourceInfo,
  type StreamRecord,
  toKinesisEvent,
} from "../../local/esm-runner/stream-record.js";
import { takeBatch } from "../../producer-service/kinesis/batch-builder.js";
import { MAX_RECORDS_PER_REQUEST } from "../../producer-service/kinesis/limits.js";
import { RecordQueue } from "../../producer-service/kinesis/record-queue.js";

/** One encoded tweet event and the partition key the producer gives it (the tweet id, its default). */
export interface EncodedTweet {
  data: Buffer;
  partitionKey: string;
}

const SOURCE: EventSourceInfo = {
  streamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/bench",
  region: "us-east-1",
  invokeIdentityArn: "arn:aws:iam::000000000000:role/bench-processor",
};
const SHARD_ID = "shardId-000000000000";
// PutRecords' default byte limit, which bounds how many aggregates one producer call packs.
const PRODUCER_BATCH_BYTES = 5 * 1024 * 1024;

let sequence = 0;

/** `count` tweets from `start` (wrapping around), one Kinesis record each, as Lambda delivers them. */
export function plainBatch(
  tweets: readonly EncodedTweet[],
  start: number,
  count: number,
): KinesisStreamEvent {
  const records: StreamRecord[] = [];
  for (let i = 0; i < count; i++) {
    const tweet = tweets[(start + i) % tweets.length] as EncodedTweet;
    records.push(streamRecord(tweet.data, tweet.partitionKey));
  }
  return toKinesisEvent(records, SOURCE);
}

/**
 * `count` tweets packed into KPL aggregates exactly as the producer packs them with AGGREGATION=on (its own
 * batch builder), then delivered as Lambda delivers Kinesis records. A batch of N here is N tweets.
 */
export function aggregatedBatch(
  tweets: readonly EncodedTweet[],
  start: number,
  count: number,
): KinesisStreamEvent {
  const queue = new RecordQueue();
  for (let i = 0; i < count; i++) {
    const tweet = tweets[(start + i) % tweets.length] as EncodedTweet;
    const size = tweet.data.length + Buffer.byteLength(tweet.partitionKey);
    queue.push({ ...tweet, size, receivedAtMs: 0, attempts: 0, isolate: false });
  }
  const records: StreamRecord[] = [];
  const limits = { maxRecords: MAX_RECORDS_PER_REQUEST, maxBytes: PRODUCER_BATCH_BYTES };
  while (queue.length > 0) {
    const batch = takeBatch([queue], limits, { aggregateKey: "random" });
    for (const entry of batch.entries)
      records.push(streamRecord(entry.Data as Uint8Array, entry.PartitionKey ?? ""));
  }
  return toKinesisEvent(records, SOURCE);
}

function streamRecord(data: Uint8Array, partitionKey: string): StreamRecord {
  sequence++;
  return {
    shardId: SHARD_ID,
    sequenceNumber: `4963${String(sequence).padStart(52, "0")}`,
    partitionKey,
    data,
    approximateArrivalTimestamp: new Date(),
  };
}

/** Tweets travel between bench processes as a JSON file of base64 data and partition keys. */
export function writeTweets(file: string, tweets: readonly EncodedTweet[]): void {
  const raw = tweets.map((t) => ({ data: t.data.toString("base64"), partitionKey: t.partitionKey }));
  writeFileSync(file, JSON.stringify(raw));
}

export function readTweets(file: string): EncodedTweet[] {
  const raw = JSON.parse(readFileSync(file, "utf8")) as { data: string; partitionKey: string }[];
  return raw.map((t) => ({ data: Buffer.from(t.data, "base64"), partitionKey: t.partitionKey }));
}
