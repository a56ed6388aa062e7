import { ListShardsCommand, MergeShardsCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  bodyOf,
  createActiveStream,
  putRecords,
  testRunner,
  until,
  useKinesisEngine,
  waitActive,
} from "./runner-rig.js";

// kinesis-local (kinesis-mock) implements SplitShard and MergeShards with Kinesis' lineage; kinesalite does not.
const kinesis = useKinesisEngine("kinesis-local");

const KEYS = 16;
const keyOf = (i: number) => `key-${i % KEYS}`;

/** Remembers, per partition key, the order in which records were first delivered. */
function orderRecorder() {
  const firstSight = new Map<string, number[]>();
  const seen = new Set<number>();
  const handler = async (event: KinesisStreamEvent) => {
    for (const r of event.Records) {
      const index = Number(bodyOf(r.kinesis.data).split("-")[1]);
      if (seen.has(index)) continue;
      seen.add(index);
      firstSight.set(r.kinesis.partitionKey, [...(firstSight.get(r.kinesis.partitionKey) ?? []), index]);
    }
    return { batchItemFailures: [] };
  };
  const expectKeyOrderKept = () => {
    for (const [key, indexes] of firstSight) {
      expect(indexes, `order of ${key}`).toEqual([...indexes].sort((a, b) => a - b));
    }
  };
  return { handler, seen, expectKeyOrderKept };
}

async function split(stream: string, shardId: string) {
  await kinesis().send(
    new SplitShardCommand({
      StreamName: stream,
      ShardToSplit: shardId,
      NewStartingHashKey: (2n ** 127n).toString(),
    }),
  );
  await waitActive(kinesis(), stream);
}

async function openShards(stream: string) {
  const { Shards = [] } = await kinesis().send(new ListShardsCommand({ StreamName: stream }));
  return Shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
}

// A test's `until`s wait up to 90 s together (30 s before a reshard, 60 s after): the test timeout (150 s) leaves
// room for them plus setup, so under load `until` says which condition was not met before vitest kills the test.
describe("EventSourceMappingRunner across resharding (kinesis-local)", () => {
  it("delivers a split parent's records before its children's, for every key", async () => {
    const stream = "split-before-start";
    await createActiveStream(kinesis(), stream, 1);
    await putRecords(kinesis(), stream, 0, 200, keyOf);
    await split(stream, "shardId-000000000000");
    await putRecords(kinesis(), stream, 200, 400, keyOf);
    const recorder = orderRecorder();
    const { runner } = testRunner(kinesis(), stream, recorder.handler);

    await runner.start();
    await until(() => recorder.seen.size === 400, 60_000, "400 records delivered");
    await runner.stop();

    recorder.expectKeyOrderKept();
    expect(runner.stats.shardsFinished).toBe(1);
  }, 150_000);

  it("follows a split made while it runs: records written after it are delivered, in key order", async () => {
    const stream = "split-while-running";
    await createActiveStream(kinesis(), stream, 1);
    const recorder = orderRecorder();
    const { runner } = testRunner(kinesis(), stream, recorder.handler, {
      shardDiscoveryIntervalMs: 60_000,
    });
    await runner.start();
    await putRecords(kinesis(), stream, 0, 100, keyOf);
    await until(() => recorder.seen.size === 100, 30_000, "100 records before the split");

    await split(stream, "shardId-000000000000");
    await putRecords(kinesis(), stream, 100, 300, keyOf);
    await until(() => recorder.seen.size === 300, 60_000, "300 records after the split");
    await runner.stop();

    recorder.expectKeyOrderKept();
    expect(runner.stats.shardsFinished).toBe(1);
    expect(await openShards(stream)).toHaveLength(2);
  }, 150_000);

  it("follows a merge made while it runs: the child waits for both parents", async () => {
    const stream = "merge-while-running";
    await createActiveStream(kinesis(), stream, 2);
    const recorder = orderRecorder();
    const { runner } = testRunner(kinesis(), stream, recorder.handler, {
      shardDiscoveryIntervalMs: 60_000,
    });
    await runner.start();
    await putRecords(kinesis(), stream, 0, 200, keyOf);
    await until(() => recorder.seen.size === 200, 30_000, "200 records before the merge");

    await kinesis().send(
      new MergeShardsCommand({
        StreamName: stream,
        ShardToMerge: "shardId-000000000000",
        AdjacentShardToMerge: "shardId-000000000001",
      }),
    );
    await waitActive(kinesis(), stream);
    await putRecords(kinesis(), stream, 200, 400, keyOf);
    await until(() => recorder.seen.size === 400, 60_000, "400 records after the merge");
    await runner.stop();

    recorder.expectKeyOrderKept();
    expect(runner.stats.shardsFinished).toBe(2);
  }, 150_000);

  it("lists the shards again periodically when the listing after a shard's end failed", async () => {
    const stream = "split-listing-fails";
    await createActiveStream(kinesis(), stream, 1);
    const recorder = orderRecorder();
    const { runner } = testRunner(kinesis(), stream, recorder.handler, { shardDiscoveryIntervalMs: 300 });
    await runner.start();
    // ListShards fails from now until told otherwise: the listing made when the parent ends is lost.
    let listShardsFails = true;
    let refusedListings = 0;
    kinesis().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "ListShardsCommand" && listShardsFails) {
          refusedListings++;
          throw new Error("injected ListShards failure");
        }
        return next(args);
      },
      { step: "initialize", name: "failListShards" },
    );
    try {
      await putRecords(kinesis(), stream, 0, 50, keyOf);
      await split(stream, "shardId-000000000000");
      await putRecords(kinesis(), stream, 50, 100, keyOf);
      await until(() => runner.stats.shardsFinished === 1 && refusedListings >= 2, 30_000, "parent ended");
      listShardsFails = false;
      await until(() => recorder.seen.size === 100, 60_000, "100 records after the listing recovered");
    } finally {
      kinesis().middlewareStack.remove("failListShards");
      await runner.stop();
    }

    recorder.expectKeyOrderKept();
  }, 150_000);
});
