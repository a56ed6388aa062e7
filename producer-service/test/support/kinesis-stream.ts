import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { decodeRecordData } from "../../../events/index.js";

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test-secret" };

export async function createStream(client: KinesisClient, name: string, shards = 2): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

/** One Kinesis record as stored, with the user records it carries (one, or many for a KPL aggregate). */
export interface StoredRecord {
  shardId: string;
  partitionKey: string;
  data: Buffer;
  userRecords: Buffer[];
}

/** Reads every record of every shard from the start. */
export async function readStream(client: KinesisClient, name: string): Promise<StoredRecord[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
  const stored: StoredRecord[] = [];
  for (const shard of shards) {
    const shardId = shard.ShardId ?? "";
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: shardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of out.Records ?? []) {
        const data = Buffer.from(record.Data ?? new Uint8Array());
        const decoded = decodeRecordData(data.toString("base64"));
        if (!decoded.ok) throw new Error(`undecodable record in ${shardId}: ${decoded.error.message}`);
        stored.push({
          shardId,
          partitionKey: record.PartitionKey ?? "",
          data,
          userRecords: decoded.value.map((u) => Buffer.from(u.data)),
        });
      }
      if ((out.Records ?? []).length === 0) break;
      iterator = out.NextShardIterator;
    }
  }
  return stored;
}

/** One shard with its hash key range and the records it holds, as stored (aggregates not unpacked). */
export interface ShardContents {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
  records: { partitionKey: string; data: Buffer }[];
}

/** Reads every shard from the start, with the hash key range Kinesis gave it. */
export async function readShards(client: KinesisClient, name: string): Promise<ShardContents[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
  const out: ShardContents[] = [];
  for (const shard of shards) {
    const shardId = shard.ShardId ?? "";
    const contents: ShardContents = {
      shardId,
      startingHashKey: BigInt(shard.HashKeyRange?.StartingHashKey ?? "-1"),
      endingHashKey: BigInt(shard.HashKeyRange?.EndingHashKey ?? "-1"),
      records: [],
    };
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: shardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of got.Records ?? []) {
        contents.records.push({
          partitionKey: record.PartitionKey ?? "",
          data: Buffer.from(record.Data ?? []),
        });
      }
      if ((got.Records ?? []).length === 0) break;
      iterator = got.NextShardIterator;
    }
    out.push(contents);
  }
  return out;
}
