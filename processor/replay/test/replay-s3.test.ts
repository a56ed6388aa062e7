// npm run replay against S3 (s3rver), a table (dynalite) and a dead-letter queue (the SQS emulator): batches kept
// in Lambda's S3 shape by the local mapping runner's own code are written to the table, page after page of the
// listing; an object that is not a kept batch is named and skipped; a bad record is dead-lettered, nothing else.
import { execFile } from "node:child_process";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeEvent } from "../../../events/index.js";
import { startDynalite } from "../../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../../local/emulators/listen.js";
import { failureRecord, keptBatchKey } from "../../../local/esm-runner/failure-record.js";
import type { InvokeTarget } from "../../../local/esm-runner/invoke-handler.js";
import type { StreamRecord } from "../../../local/esm-runner/stream-record.js";
import { countItems, createEventTable, localDynamoClient } from "../../../local/pipeline/aws-resources.js";
import { type SqsEmulator, startSqsEmulator } from "../../../local/sqs-emulator/index.js";
import { tweet } from "../../test/support/records.js";
import { listKeptBatches, parseSource } from "../batch-source.js";
import { S3_CREDENTIALS, type S3Emulator, startS3Emulator } from "./support/s3-emulator.js";

const TABLE = "replay-EventData";
const BATCHES = 5;
const PER_BATCH = 20;
const target = {
  functionName: "replay-DDBEventProcessor",
  source: {
    streamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/s",
    region: "us-east-1",
    invokeIdentityArn: "r",
  },
} as InvokeTarget;

/** Batch `b`'s records; record 0 of batch 0 is not an event (it must be dead-lettered, nothing else). */
function batch(b: number): StreamRecord[] {
  return Array.from({ length: PER_BATCH }, (_, i) => ({
    shardId: "shardId-000000000000",
    sequenceNumber: String(1_000_000 + b * PER_BATCH + i),
    partitionKey: `pk-${i}`,
    data: b === 0 && i === 0 ? Buffer.from("not an event") : encodeEvent(tweet(b * PER_BATCH + i)),
    approximateArrivalTimestamp: new Date("2026-12-07T02:00:00.000Z"),
  }));
}

function replay(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "replay", "--", ...args],
      { encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("npm run replay from S3", () => {
  let s3Emulator: S3Emulator;
  let s3: S3Client;
  let dynalite: RunningEmulator;
  let sqs: SqsEmulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    s3Emulator = await startS3Emulator(["failed-batches"]);
    s3 = s3Emulator.client();
    dynalite = await startDynalite({ port: 0, host: "127.0.0.1" });
    sqs = await startSqsEmulator({ queues: ["replay-dlq"] });
    const dynamo = localDynamoClient(dynalite.endpoint, "us-east-1");
    await createEventTable(dynamo, TABLE);
    dynamo.destroy();
    for (let b = 0; b < BATCHES; b++) {
      await s3.send(
        new PutObjectCommand({
          Bucket: "failed-batches",
          Key: keptBatchKey("uuid", "shardId-000000000000", new Date(Date.UTC(2026, 11, 7, 2, b))),
          Body: JSON.stringify(failureRecord(batch(b), "RetryAttemptsExhausted", 11, target)),
        }),
      );
    }
    // An SQS-style on-failure record (no records) in the same bucket.
    const { payload: _, ...positionOnly } = failureRecord(batch(9), "RecordAgeExceeded", 0, target);
    await s3.send(
      new PutObjectCommand({
        Bucket: "failed-batches",
        Key: "aws/lambda/uuid/zz-position-only",
        Body: JSON.stringify(positionOnly),
      }),
    );
    env = {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3Emulator.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      TABLE_NAME: TABLE,
      DLQ_URL: sqs.queueUrl("replay-dlq"),
    };
  }, 90_000);
  afterAll(async () => {
    s3?.destroy();
    await s3Emulator?.close();
    await sqs?.close();
    await dynalite?.close();
  });

  it("lists every kept batch page by page, oldest first", async () => {
    const refs = await listKeptBatches(parseSource("s3://failed-batches/aws/lambda/"), () => s3, 2);

    expect(refs.map((ref) => ref.source)).toHaveLength(BATCHES + 1);
    expect(refs.map((ref) => ref.source)).toEqual([...refs.map((ref) => ref.source)].sort());
    expect(JSON.parse(await (refs[0] as { read(): Promise<string> }).read()).KinesisBatchInfo.batchSize).toBe(
      PER_BATCH,
    );
  });

  it("writes every item of every kept batch, dead-letters only the bad record, and names what it skipped", async () => {
    const run = await replay(env, "s3://failed-batches/");

    // Exit 1: one object was not a kept batch (it holds no records), and the report says which.
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      "s3://failed-batches/aws/lambda/uuid/zz-position-only: skipped, not a kept batch",
    );
    expect(run.stdout).toContain(
      `${BATCHES} batches, ${BATCHES * PER_BATCH} records: wrote ${BATCHES * PER_BATCH - 1} items, 0 earlier versions deleted, 1 dead-lettered, 0 records not written, 1 unreadable`,
    );
    const dynamo = localDynamoClient(dynalite.endpoint, "us-east-1");
    expect(await countItems(dynamo, TABLE)).toBe(BATCHES * PER_BATCH - 1);
    dynamo.destroy();
    expect(sqs.messages("replay-dlq")).toHaveLength(1);
  }, 120_000);

  it("replays again idempotently: the same items, and the bad record dead-lettered a second time", async () => {
    const run = await replay(env, "s3://failed-batches/aws/lambda/uuid/shardId");

    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `wrote ${BATCHES * PER_BATCH - 1} items, 0 earlier versions deleted, 1 dead-lettered`,
    );
    const dynamo = localDynamoClient(dynalite.endpoint, "us-east-1");
    expect(await countItems(dynamo, TABLE)).toBe(BATCHES * PER_BATCH - 1);
    dynamo.destroy();
    // The replay keeps no record of what it sent: the queue holds the bad record's letter twice.
    expect(sqs.messages("replay-dlq")).toHaveLength(2);
  }, 120_000);
});
