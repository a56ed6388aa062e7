import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import pino from "pino";
import { expect } from "vitest";
import { MAPPING_DEFAULTS } from "../../../infra/mapping-settings.js";
import type { KinesisEngine } from "../../emulators/kinesis-engine.js";
import { countItems } from "../../pipeline/aws-resources.js";
import type { LocalConfig } from "../../pipeline/local-config.js";
import { type LocalPipeline, type PipelineOptions, startLocalPipeline } from "../../pipeline/pipeline.js";
import type { GeneratedTweet } from "../../x-emulator/index.js";

/** The local pipeline on free ports, the emulator publishing only what a test asks for. */
export function e2eConfig(kinesisEngine: KinesisEngine): LocalConfig {
  return {
    stackName: "e2e",
    region: "us-east-1",
    host: "127.0.0.1",
    ports: { producer: 0, kinesis: 0, dynamodb: 0, sqs: 0, x: 0 },
    tweetsPerSecond: 0,
    shardCount: 2,
    progressIntervalMs: 1000,
    kinesisEngine,
    mapping: MAPPING_DEFAULTS,
    functionTimeoutSeconds: 60,
    failedBatchesDir: mkdtempSync(join(tmpdir(), "tweetstream-e2e-kept-")),
    realX: undefined,
  };
}

export function startE2ePipeline(
  engine: KinesisEngine,
  options: Partial<PipelineOptions> = {},
): Promise<LocalPipeline> {
  return startLocalPipeline(e2eConfig(engine), {
    logger: pino({ level: "silent" }),
    mapping: { batchSize: 100, batchingWindowMs: 100, retryDelayMs: 10 },
    ...options,
  });
}

export async function waitForItems(pipeline: LocalPipeline, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    count = await countItems(pipeline.dynamo, pipeline.names.table);
    if (count >= n) return;
    await sleep(200);
  }
  throw new Error(`only ${count} of ${n} items reached the table in ${timeoutMs} ms`);
}

export async function scanItems(pipeline: LocalPipeline): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await pipeline.dynamo.send(
      new ScanCommand({ TableName: pipeline.names.table, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

/** Every published tweet is exactly one item, field by field, and nothing else is in the table. */
export function expectExactlyTheTweets(items: Record<string, unknown>[], published: GeneratedTweet[]): void {
  expect(items).toHaveLength(published.length);
  const byKey = new Map(items.map((item) => [`${item.Username}/${item.Id}`, item]));
  for (const { tweet, author } of published) {
    const item = byKey.get(`${author.username}/${tweet.id}`);
    expect(item, `item for tweet ${tweet.id}`).toBeDefined();
    expect(item).toMatchObject({
      Username: author.username,
      Id: tweet.id,
      Message: tweet.text,
      Timestamp: tweet.created_at,
      AuthorId: author.id,
      AuthorName: author.name,
      Lang: tweet.lang,
      MatchingRules: ["local-demo"],
    });
    expect(Date.parse(String(item?.ReceivedAt))).toBeLessThanOrEqual(Date.parse(String(item?.ProcessedAt)));
  }
}

/** Nothing went astray: no dead letter, no batch given up on. */
export function expectQueuesEmpty(pipeline: LocalPipeline): void {
  expect(pipeline.sqs.messages(pipeline.names.queue)).toEqual([]);
  expect(keptBatchFiles(pipeline)).toEqual([]);
}

/** The files of the batches the mapping kept (its on-failure destination), oldest first per shard. */
export function keptBatchFiles(pipeline: LocalPipeline): string[] {
  return readdirSync(pipeline.failedBatchesDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
