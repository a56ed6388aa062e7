import { type KinesisClient, ListShardsCommand, type Shard } from "@aws-sdk/client-kinesis";

/** A shard as the mapping needs it: its id and the shards whose records come before its own. */
export interface ShardLineage {
  shardId: string;
  /** ParentShardId and AdjacentParentShardId (a merge has two parents, a split child one). */
  parents: string[];
}

export function lineageOf(shard: Shard): ShardLineage {
  const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
    (id): id is string => typeof id === "string" && id !== "",
  );
  return { shardId: shard.ShardId ?? "", parents };
}

/**
 * The shards to start reading now, as Lambda does after a reshard: a shard waits until each of its parents
 * has been read to its end, so that for any partition key the parent's records are delivered before the
 * child's. A parent the stream no longer lists (past retention) has nothing left to wait for.
 */
export function shardsReadyToRead(
  shards: readonly ShardLineage[],
  started: ReadonlySet<string>,
  finished: ReadonlySet<string>,
): ShardLineage[] {
  const listed = new Set(shards.map((s) => s.shardId));
  return shards.filter(
    (s) => !started.has(s.shardId) && s.parents.every((p) => finished.has(p) || !listed.has(p)),
  );
}

/** Every shard of the stream, open and closed, through ListShards' pages. */
export async function listAllShards(kinesis: KinesisClient, streamName: string): Promise<ShardLineage[]> {
  const shards: ShardLineage[] = [];
  let nextToken: string | undefined;
  do {
    const page = await kinesis.send(
      nextToken === undefined
        ? new ListShardsCommand({ StreamName: streamName })
        : new ListShardsCommand({ NextToken: nextToken }),
    );
    shards.push(...(page.Shards ?? []).map(lineageOf));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards;
}
