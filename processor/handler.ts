import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { loadConfig } from "./config.js";
import { createDynamoDbWriter } from "./dynamodb-writer.js";
import { createLogger } from "./logger.js";
import { createMetricsPublisher } from "./metrics.js";
import { processBatch } from "./process-batch.js";
import { createSqsDeadLetterSender } from "./sqs-dead-letter.js";

// Cold start: read the configuration once (a missing variable fails the init, naming it) and build the
// clients once. Endpoints come from the SDK's standard settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS).
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);

const writeItems = createDynamoDbWriter({
  // No SDK retries: the writer retries itself, with backoff bounded by the invocation's deadline.
  client: new DynamoDBClient({ maxAttempts: 1 }),
  tableName: config.tableName,
  concurrency: config.writeConcurrency,
  maxAttempts: config.writeMaxAttempts,
});
const sendToDeadLetter = createSqsDeadLetterSender({
  client: new SQSClient({}),
  queueUrl: config.deadLetterQueueUrl,
});
const clock = { now: () => Date.now() };
const publishMetrics = createMetricsPublisher();

export async function handler(
  event: KinesisStreamEvent,
  context: Context,
): Promise<KinesisStreamBatchResponse> {
  if (!Array.isArray(event?.Records)) throw new TypeError("not a Kinesis stream event: Records is missing");
  return processBatch(event.Records, {
    writeItems,
    sendToDeadLetter,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
    safetyMarginMs: config.safetyMarginMs,
    retentionDays: config.retentionDays,
    logger: logger.child({ requestId: context.awsRequestId }),
    clock,
    publishMetrics: (metrics) => publishMetrics(context.functionName, metrics),
  });
}
