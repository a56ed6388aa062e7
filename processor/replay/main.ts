// `npm run replay -- [--dry-run] <s3://bucket/prefix | file | folder>...`: writes the batches the event source
// mapping gave up on (kept in the failed-batch bucket, or in a folder by the local pipeline) through the processor's
// own code. Settings as the processor's (TABLE_NAME, DLQ_URL, RETENTION_DAYS, AWS_ENDPOINT_URL_*), read once.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import pino from "pino";
import { ConfigError, loadConfig } from "../config.js";
import { createDynamoDbWriter } from "../dynamodb-writer.js";
import { createLogger } from "../logger.js";
import { createSqsDeadLetterSender } from "../sqs-dead-letter.js";
import { listKeptBatches, parseSource, ReplaySourceError, replayS3Client } from "./batch-source.js";
import { formatReport, type ReplayPorts, replayKeptBatches, replaySucceeded } from "./replay.js";

const USAGE = "usage: npm run replay -- [--dry-run] <s3://bucket/prefix | file | folder>...";
/** Each batch gets the writes' time a Lambda invocation of the stack's default timeout would (60 s). */
const TIME_PER_BATCH_MS = 60_000;

async function main(args: readonly string[]): Promise<number> {
  const dryRun = args.includes("--dry-run");
  const unknown = args.filter((arg) => arg.startsWith("--") && arg !== "--dry-run");
  const sources = args.filter((arg) => !arg.startsWith("--"));
  if (unknown.length > 0 || sources.length === 0) {
    process.stderr.write(`${unknown.length > 0 ? `unknown option ${unknown.join(", ")}\n` : ""}${USAGE}\n`);
    return 2;
  }
  let s3: S3Client | undefined;
  const s3Client = () => {
    s3 ??= replayS3Client();
    return s3;
  };
  const refs = [];
  for (const source of sources) refs.push(...(await listKeptBatches(parseSource(source), s3Client)));
  const report = await replayKeptBatches(refs, dryRun ? dryRunPorts() : writingPorts(), {
    dryRun,
    timePerBatchMs: TIME_PER_BATCH_MS,
  });
  for (const line of formatReport(report)) process.stdout.write(`${line}\n`);
  s3?.destroy();
  return replaySucceeded(report) ? 0 : 1;
}

/** The processor's writers, built as the handler builds them, from the processor's own configuration. */
function writingPorts(): ReplayPorts {
  const config = loadConfig(process.env);
  return {
    writeItems: createDynamoDbWriter({
      client: new DynamoDBClient({ maxAttempts: 1 }),
      tableName: config.tableName,
      concurrency: config.writeConcurrency,
      maxAttempts: config.writeMaxAttempts,
    }),
    sendToDeadLetter: createSqsDeadLetterSender({
      client: new SQSClient({}),
      queueUrl: config.deadLetterQueueUrl,
    }),
    safetyMarginMs: config.safetyMarginMs,
    retentionDays: config.retentionDays,
    // The processor's log lines go to stderr: stdout is the report.
    logger: createLogger(config.logLevel, pino.destination(2)),
    clock: { now: () => Date.now() },
  };
}

/** A dry run plans only; nothing may write. */
function dryRunPorts(): ReplayPorts {
  const refuse = async (): Promise<never> => {
    throw new Error("a dry run writes nothing");
  };
  return {
    writeItems: refuse,
    sendToDeadLetter: refuse,
    safetyMarginMs: 0,
    logger: createLogger("silent"),
    clock: { now: () => Date.now() },
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const usersToFix = err instanceof ConfigError || err instanceof ReplaySourceError;
    process.stderr.write(`replay: ${usersToFix ? "" : "failed: "}${message}\n`);
    process.exit(1);
  },
);
