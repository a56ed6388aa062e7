import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { lambdaContext } from "../../../local/esm-runner/stream-record.js";
import { createEventTable } from "../../../local/pipeline/aws-resources.js";
import { type SqsEmulator, startSqsEmulator } from "../../../local/sqs-emulator/index.js";
import { DYNALITE, type DynamoEngine } from "../../../local/test/support/dynamo-engines.js";
import type { DeadLetterMessage } from "../../dead-letter.js";
import type { TweetItem } from "../../tweet-item.js";
import { type DynamoFaultProxy, startDynamoFaultProxy } from "./dynamo-fault-proxy.js";

export const TABLE = "tweetstream-EventData";
const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

type Handler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

export interface ProcessorEnvironment {
  handler: Handler;
  proxy: DynamoFaultProxy;
  sqs: SqsEmulator;
  /** Every item in the table, read directly from the engine (not through the fault proxy). */
  items(): Promise<TweetItem[]>;
  deadLetters(): DeadLetterMessage[];
  close(): Promise<void>;
}

/** The context Lambda passes the processor: `remainingMs` left in the invocation. */
export const invocation = (remainingMs = 60_000) => lambdaContext("processor", remainingMs, REGION);

/**
 * The hooks of a describe block (or a file) whose tests share one environment on `engine` (with `options.env`
 * set for the handler): started before them (a JVM for
 * DynamoDB Local takes seconds), faults of the proxy and the queue cleared after each, closed after all.
 */
export function useProcessorEnvironment(
  engine: DynamoEngine,
  started: (env: ProcessorEnvironment) => void,
  options: { env?: Record<string, string> } = {},
): void {
  let env: ProcessorEnvironment | undefined;
  beforeAll(async () => {
    env = await startProcessorEnvironment({ ...options, engine });
    started(env);
  }, 120_000);
  afterEach(() => {
    env?.proxy.setPlan(() => ({ kind: "forward" }));
    env?.sqs.setFailing(false);
  });
  afterAll(async () => {
    await env?.close();
  });
}

/**
 * A DynamoDB engine (dynalite unless `engine` says otherwise) behind the fault proxy and the SQS emulator on loopback, and the real handler module (or the
 * module `load` imports, such as the bundle) loaded fresh with its configuration in environment variables,
 * exactly as Lambda would run it.
 */
export async function startProcessorEnvironment(
  options: { env?: Record<string, string>; load?: () => Promise<unknown>; engine?: DynamoEngine } = {},
): Promise<ProcessorEnvironment> {
  const dynamo = await (options.engine ?? DYNALITE).start();
  const proxy = await startDynamoFaultProxy(dynamo.endpoint);
  const sqs = await startSqsEmulator({ queues: ["processor-dlq"] });
  const direct = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS }),
  );
  await createEventTable(direct, TABLE);

  const variables: Record<string, string> = {
    TABLE_NAME: TABLE,
    DLQ_URL: sqs.queueUrl("processor-dlq"),
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    LOG_LEVEL: "silent",
    // No EMF lines in the suite's output; handler-metrics.test.ts turns them on to read them.
    POWERTOOLS_METRICS_DISABLED: "true",
    ...options.env,
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  vi.resetModules();
  const load = options.load ?? (() => import("../../handler.js"));
  const { handler } = (await load()) as { handler: Handler };

  return {
    handler,
    proxy,
    sqs,
    async items() {
      const items: TweetItem[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await direct.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey }));
        items.push(...((page.Items ?? []) as TweetItem[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    deadLetters: () => sqs.messages("processor-dlq").map((m) => JSON.parse(m.body) as DeadLetterMessage),
    async close() {
      vi.unstubAllEnvs();
      direct.destroy();
      await Promise.all([proxy.close(), sqs.close(), dynamo.close()]);
    },
  };
}
