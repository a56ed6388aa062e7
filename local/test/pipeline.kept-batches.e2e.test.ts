// Issue 18: when the mapping gives up, nothing is lost. A table that refuses every write (a mis-keyed table: the
// processor judges it systemic and reports every record for retry), a mapping with 1 retry: each batch is kept
// whole in the failed-batch folder; after the table is fixed, `npm run replay` writes every item, and nothing that
// was not bad is dead-lettered.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { CreateTableCommand, DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countItems, createEventTable } from "../pipeline/aws-resources.js";
import type { LocalPipeline } from "../pipeline/pipeline.js";
import { localReplayCommand } from "../pipeline/replay-command.js";
import { expectExactlyTheTweets, keptBatchFiles, scanItems, startE2ePipeline } from "./support/e2e.js";

const POSTS = 300;

/**
 * `npm run replay` as the operator runs it, with the command `npm start` prints. Asynchronously: the emulators
 * run in this process and must go on answering.
 */
function replay(
  pipeline: LocalPipeline,
  ...flags: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [assignments, args] = localReplayCommand(pipeline, "us-east-1").split(" npm run replay -- ");
  const env = Object.fromEntries(
    (assignments ?? "").split(" ").map((a) => a.split("=", 2) as [string, string]),
  );
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "replay", "--", ...flags, args ?? ""],
      { encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the local pipeline when the mapping gives up", () => {
  let pipeline: LocalPipeline;
  beforeAll(async () => {
    pipeline = await startE2ePipeline("kinesalite", {
      mapping: { batchSize: 100, batchingWindowMs: 100, maxRetryAttempts: 1, retryDelayMs: 10 },
    });
    // The table refuses every write: keyed on an attribute the items do not have.
    await pipeline.dynamo.send(new DeleteTableCommand({ TableName: pipeline.names.table }));
    await pipeline.dynamo.send(
      new CreateTableCommand({
        TableName: pipeline.names.table,
        AttributeDefinitions: [{ AttributeName: "PostId", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "PostId", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }, 90_000);
  afterAll(() => pipeline?.close(), 60_000);

  it("keeps every batch whole, and npm run replay writes every item once the table is fixed", async () => {
    // Act: posts flow into a table that refuses them.
    const published = pipeline.x?.publish(POSTS) ?? [];
    const keptRecords = () =>
      keptBatchFiles(pipeline).reduce(
        (sum, file) => sum + JSON.parse(readFileSync(file, "utf8")).KinesisBatchInfo.batchSize,
        0,
      );
    await until(`${POSTS} records kept`, () => keptRecords() >= POSTS);

    // Assess: every record kept whole, in Lambda's S3 shape; nothing dead-lettered, nothing written.
    const kept = keptBatchFiles(pipeline).map((file) => JSON.parse(readFileSync(file, "utf8")));
    const records = kept.flatMap((batch) => batch.payload.Records);
    expect(records).toHaveLength(POSTS);
    expect(new Set(records.map((r: { eventID: string }) => r.eventID)).size).toBe(POSTS);
    for (const batch of kept) {
      expect(batch.requestContext).toMatchObject({
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 2,
      });
    }
    expect(pipeline.runner.stats).toMatchObject({ keptRecords: POSTS, keptBatches: kept.length });
    expect(pipeline.sqs.messages(pipeline.names.queue)).toEqual([]);
    console.info(
      `kept ${POSTS} records in ${kept.length} batches (before: 0 kept, only their position in SQS)`,
    );

    // A dry run reports and writes nothing.
    const dry = await replay(pipeline, "--dry-run");
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `dry run: ${kept.length} batches, ${POSTS} records: would write ${POSTS} items`,
    );

    // Fix the table, then replay.
    await pipeline.dynamo.send(new DeleteTableCommand({ TableName: pipeline.names.table }));
    await createEventTable(pipeline.dynamo, pipeline.names.table);
    expect(await countItems(pipeline.dynamo, pipeline.names.table)).toBe(0);
    const run = await replay(pipeline);

    // Assess: every post in the table, exactly once; nothing dead-lettered; the report says so.
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `${kept.length} batches, ${POSTS} records: wrote ${POSTS} items, 0 earlier versions deleted, 0 dead-lettered, 0 records not written, 0 unreadable`,
    );
    expectExactlyTheTweets(await scanItems(pipeline), published);
    expect(pipeline.sqs.messages(pipeline.names.queue)).toEqual([]);
    console.info(
      `replayed ${POSTS} records: ${await countItems(pipeline.dynamo, pipeline.names.table)} items in the table`,
    );

    // Idempotent: a second replay writes the same items again, nothing more.
    expect((await replay(pipeline)).status).toBe(0);
    expect(await countItems(pipeline.dynamo, pipeline.names.table)).toBe(POSTS);
  }, 300_000);
});
