import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { decodeRecordData, type TweetEvent } from "../../../events/index.js";
import { localKinesisClient } from "../../pipeline/aws-resources.js";
import type { LocalPipeline } from "../../pipeline/pipeline.js";

/** Every event on the pipeline's stream, read from the start of every shard (aggregates taken apart). */
export async function readStreamEvents(pipeline: LocalPipeline, region = "us-east-1"): Promise<TweetEvent[]> {
  const kinesis = localKinesisClient(pipeline.endpoints.kinesis, region);
  try {
    const events: TweetEvent[] = [];
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: pipeline.names.stream }));
    for (const shard of Shards) {
      let iterator = (
        await kinesis.send(
          new GetShardIteratorCommand({
            StreamName: pipeline.names.stream,
            ShardId: shard.ShardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        for (const record of page.Records ?? []) {
          const decoded = decodeRecordData(Buffer.from(record.Data ?? new Uint8Array()).toString("base64"));
          if (!decoded.ok) throw decoded.error;
          for (const user of decoded.value) {
            if (!user.result.ok) throw user.result.error;
            events.push(user.result.value);
          }
        }
        if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return events;
  } finally {
    kinesis.destroy();
  }
}
