import { createHash } from "node:crypto";
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { aggregate, encodeEvent, type TweetEvent, type TweetEventV1 } from "../../../events/index.js";
import { toKinesisEvent } from "../../../local/esm-runner/stream-record.js";

export const SHARD_ID = "shardId-000000000007";
export const STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/tweets";

export function tweet(n: number, overrides: Partial<TweetEventV1> = {}): TweetEventV1 {
  return {
    v: 1,
    id: String(1_790_000_000_000_000_000n + BigInt(n)),
    text: `tweet ${n}: streaming 🚀 ストリーム`,
    createdAt: "2026-11-25T12:00:00.000Z",
    author: { id: `${1000 + (n % 50)}`, username: `user${n % 50}`, name: `User ${n % 50}` },
    lang: "en",
    matchingRules: [{ id: "r1", tag: "aws" }, { id: "r2" }],
    receivedAt: "2026-11-25T12:00:00.250Z",
    ...overrides,
  };
}

/** Kinesis-style sequence numbers: large decimals, increasing with `n`. */
export const sequenceNumber = (n: number) =>
  String(49_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n + BigInt(n));

/** A batch as Lambda delivers it from one shard: payloads in order, record n gets sequence number n. */
export function kinesisEvent(payloads: readonly Uint8Array[]): KinesisStreamEvent {
  return toKinesisEvent(
    payloads.map((data, n) => ({
      shardId: SHARD_ID,
      sequenceNumber: sequenceNumber(n),
      partitionKey: `pk-${n}`,
      data,
      approximateArrivalTimestamp: new Date("2026-11-25T12:00:01.000Z"),
    })),
    {
      streamArn: STREAM_ARN,
      region: "us-east-1",
      invokeIdentityArn: "arn:aws:iam::000000000000:role/processor",
    },
  );
}

/** The record with its raw base64 `data` replaced (for payloads no well-behaved producer sends). */
export function withRawData(record: KinesisStreamRecord, data: string): KinesisStreamRecord {
  return { ...record, kinesis: { ...record.kinesis, data } };
}

/** Replaces the raw `data` of record `index` in place; returns the event. */
export function replaceData(event: KinesisStreamEvent, index: number, data: string): KinesisStreamEvent {
  const record = event.Records[index];
  if (!record) throw new RangeError(`no record ${index}`);
  event.Records[index] = withRawData(record, data);
  return event;
}

export const plain = (event: TweetEvent) => encodeEvent(event);

export const aggregated = (events: readonly (TweetEvent | Uint8Array)[]) =>
  aggregate(
    events.map((e, i) => ({ partitionKey: `agg-${i}`, data: e instanceof Uint8Array ? e : encodeEvent(e) })),
  );

/** Raw payloads for every decode failure the contract knows. */
export function malformedPayloads() {
  const good = aggregated([tweet(1), tweet(2)]);
  const badChecksum = Buffer.from(good);
  badChecksum[badChecksum.length - 1] = (badChecksum[badChecksum.length - 1] ?? 0) ^ 0xff;
  return {
    "not-base64": "this is *not* base64!",
    "not-utf8": Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("base64"),
    "not-json": Buffer.from("{ not json").toString("base64"),
    schema: Buffer.from(JSON.stringify({ ...tweet(3), author: { id: "1", name: "no username" } })).toString(
      "base64",
    ),
    "aggregate-checksum": badChecksum.toString("base64"),
    "aggregate-malformed": aggregateWithGarbage().toString("base64"),
  } as const;
}

/** Valid magic and MD5, but the protobuf inside is a truncated length-delimited field. */
function aggregateWithGarbage(): Buffer {
  const proto = Buffer.from([0x1a, 0x7f, 0x01]);
  const md5 = createHash("md5").update(proto).digest();
  return Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), proto, md5]);
}
