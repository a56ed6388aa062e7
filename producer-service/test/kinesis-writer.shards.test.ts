import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deaggregate, decodeEvent, isAggregated, partitionKeyHash } from "../../events/index.js";
import { type KinesisEngine, startKinesisEngine } from "../../local/emulators/kinesis-engine.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createStream, readShards, type ShardContents } from "./support/kinesis-stream.js";
import { tweetEvents } from "./support/tweets.js";
import { kinesisClient, pushAll, startWriter } from "./support/writer-harness.js";

const SHARDS = 4;
const TWEETS = 3_000;

/**
 * What a KCL consumer keeps of a shard: every sub-record of an aggregate whose effective hash (its explicit
 * hash key, else the MD5 of its partition key) lies in the shard's range; the rest it drops as misrouted.
 */
function kclView(shards: readonly ShardContents[]): { kept: string[]; dropped: number; aggregates: number } {
  const kept: string[] = [];
  let dropped = 0;
  let aggregates = 0;
  for (const shard of shards) {
    for (const record of shard.records) {
      if (!isAggregated(record.data)) {
        const event = decodeEvent(record.data);
        if (event.ok) kept.push(event.value.id);
        continue;
      }
      aggregates++;
      const users = deaggregate(record.data);
      if (!users.ok) throw new Error(`undecodable aggregate in ${shard.shardId}`);
      for (const user of users.value) {
        const hash = BigInt(user.explicitHashKey ?? partitionKeyHash(user.partitionKey));
        if (hash < shard.startingHashKey || hash > shard.endingHashKey) {
          dropped++;
          continue;
        }
        const event = decodeEvent(user.data);
        if (event.ok) kept.push(event.value.id);
      }
    }
  }
  return { kept, dropped, aggregates };
}

describe.each<KinesisEngine>(["kinesalite", "kinesis-local"])(
  "aggregates a KCL consumer can read (%s, 4 shards)",
  (engine) => {
    let emulator: RunningEmulator;
    let streams = 0;
    beforeAll(async () => {
      emulator = await startKinesisEngine(engine);
    }, 60_000);
    afterAll(async () => {
      await emulator.close();
    });

    it.each(["tweet", "author"] as const)(
      "keeps every sub-record inside its shard's hash range (partition key %s)",
      async (partitionKey) => {
        // Prepare
        const stream = `shards-${partitionKey}-${++streams}`;
        const admin = kinesisClient(emulator.endpoint);
        await createStream(admin, stream, SHARDS);
        const { writer, client } = startWriter(emulator.endpoint, {
          target: { StreamName: stream },
          aggregation: true,
          partitionKey,
          maxBytes: 64 * 1024,
          maxRecords: 100,
        });

        // Act
        await pushAll(writer, tweetEvents(TWEETS));
        await writer.close(30_000);
        const shards = await readShards(admin, stream);
        client.destroy();
        admin.destroy();

        // Assess: every tweet reaches the consumer once; none is dropped as outside its shard.
        const view = kclView(shards);
        expect(shards).toHaveLength(SHARDS);
        expect(view.aggregates).toBeGreaterThan(SHARDS);
        expect(view.dropped).toBe(0);
        expect(new Set(view.kept).size).toBe(TWEETS);
        expect(view.kept).toHaveLength(TWEETS);
      },
      120_000,
    );
  },
);
