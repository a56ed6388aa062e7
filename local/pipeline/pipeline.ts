import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { BISECT_BATCH_ON_FUNCTION_ERROR } from "../../infra/mapping-settings.js";
import { buildApp, type ProducerApp } from "../../producer-service/app.js";
import { loadConfig as loadProducerConfig } from "../../producer-service/config.js";
import { createKinesisClient } from "../../producer-service/kinesis/client.js";
import { startDynalite } from "../emulators/dynalite.js";
import { startKinesisEngine } from "../emulators/kinesis-engine.js";
import type { RunningEmulator } from "../emulators/listen.js";
import type { KinesisHandler } from "../esm-runner/invoke-handler.js";
import { keepInFolder } from "../esm-runner/kept-batch-folder.js";
import { EventSourceMappingRunner } from "../esm-runner/runner.js";
import { type SqsEmulator, startSqsEmulator } from "../sqs-emulator/index.js";
import { startXEmulator, type XEmulator, type XEmulatorOptions } from "../x-emulator/index.js";
import {
  createEventTable,
  createStream,
  LOCAL_CREDENTIALS,
  localDynamoClient,
  localKinesisClient,
  localSqsClient,
} from "./aws-resources.js";
import type { LocalConfig } from "./local-config.js";

export interface PipelineOptions {
  /** Extra producer settings (e.g. AGGREGATION=on), as environment variables. */
  producerEnv?: Record<string, string>;
  /** What the X emulator publishes (e.g. `generator: { mix: RICH_MIX }`: long posts, retweets, ...). */
  xEmulator?: Pick<XEmulatorOptions, "generator" | "lingerMs" | "historySize" | "recordSent">;
  /** Lets a test put faults around the real handler; the pipeline itself always uses the real one. */
  wrapHandler?: (handler: KinesisHandler) => KinesisHandler;
  /** Event source mapping settings over the stack's (config.mapping); tests use small, fast ones. */
  mapping?: {
    batchSize?: number;
    batchingWindowMs?: number;
    maxRetryAttempts?: number;
    retryDelayMs?: number;
  };
  logger: Logger;
}

export interface LocalPipeline {
  /** `queue` holds the processor's dead letters; `failedBatchesDir` the batches the mapping gave up on, whole. */
  names: { stream: string; table: string; queue: string; functionName: string };
  failedBatchesDir: string;
  endpoints: { producer: string; kinesis: string; dynamodb: string; sqs: string; x: string };
  x: XEmulator | undefined;
  producer: ProducerApp;
  runner: EventSourceMappingRunner;
  sqs: SqsEmulator;
  sqsClient: SQSClient;
  dynamo: ReturnType<typeof localDynamoClient>;
  close(): Promise<void>;
}

/**
 * The whole architecture on one machine: X (emulated unless real credentials are given) → producer →
 * Kinesis (kinesalite or kinesis-local) → event source mapping runner → the real processor handler → dynalite,
 * with the stack's dead-letter queue (SQS protocol) and a folder for the batches the mapping gives up on.
 * Everything listens on loopback.
 */
export async function startLocalPipeline(
  config: LocalConfig,
  options: PipelineOptions,
): Promise<LocalPipeline> {
  const { stackName, region, host, ports } = config;
  const names = {
    stream: `${stackName}-events`,
    table: `${stackName}-EventData`,
    queue: `${stackName}-processor-dlq`,
    functionName: `${stackName}-DDBEventProcessor`,
  };
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    const kinesisEngine = await track(
      closers,
      startKinesisEngine(config.kinesisEngine, { port: ports.kinesis, host }),
    );
    const dynalite = await track(closers, startDynalite({ port: ports.dynamodb, host }));
    const sqs = await startSqsEmulator({
      port: ports.sqs,
      host,
      queues: [names.queue],
    });
    closers.push(() => sqs.close());
    const x = config.realX
      ? undefined
      : await startXEmulator({
          host,
          port: ports.x,
          tweetsPerSecond: config.tweetsPerSecond,
          recordSent: false,
          ...options.xEmulator,
        });
    if (x) closers.push(() => x.close());

    const kinesis = localKinesisClient(kinesisEngine.endpoint, region);
    const dynamo = localDynamoClient(dynalite.endpoint, region);
    closers.push(async () => {
      kinesis.destroy();
      dynamo.destroy();
    });
    await createStream(kinesis, names.stream, config.shardCount);
    await createEventTable(dynamo, names.table);

    // The processor reads its configuration and endpoints from the environment at cold start, as in Lambda.
    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      TABLE_NAME: names.table,
      DLQ_URL: sqs.queueUrl(names.queue),
      // One info line per batch is right in Lambda; locally it would drown the progress lines.
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      // Likewise the batch's CloudWatch metrics line (EMF, on stdout): CloudWatch reads it in Lambda, nothing here.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? "true",
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const sqsClient = localSqsClient(sqs.url, region);
    closers.push(async () => sqsClient.destroy());
    const { handler } = (await import("../../processor/handler.js")) as { handler: KinesisHandler };

    const runner = new EventSourceMappingRunner({
      kinesis,
      streamName: names.stream,
      target: {
        handler: options.wrapHandler ? options.wrapHandler(handler) : handler,
        functionName: names.functionName,
        timeoutMs: config.functionTimeoutSeconds * 1000,
        source: {
          streamArn: `arn:aws:kinesis:${region}:000000000000:stream/${names.stream}`,
          region,
          invokeIdentityArn: `arn:aws:iam::000000000000:role/${names.functionName}`,
        },
      },
      batchSize: config.mapping.batchSize,
      batchingWindowMs: config.mapping.batchingWindowSeconds * 1000,
      maxRetryAttempts: config.mapping.maxRetryAttempts,
      maxRecordAgeMs: config.mapping.maxRecordAgeSeconds * 1000,
      bisectOnError: BISECT_BATCH_ON_FUNCTION_ERROR,
      ...options.mapping,
      // As the stack's failed-batch bucket: each batch given up on, whole, at Lambda's S3 key.
      keepBatch: keepInFolder(config.failedBatchesDir),
      logger: options.logger.child({ component: "event-source-mapping" }),
    });
    await runner.start();
    closers.push(() => runner.stop());

    const producerConfig = loadProducerConfig({
      ...process.env,
      ...producerXEnv(config, x),
      KINESIS_STREAM_NAME: names.stream,
      AWS_ENDPOINT_URL_KINESIS: kinesisEngine.endpoint,
      PORT: String(ports.producer),
      HOST: host,
      ...options.producerEnv,
    });
    // The producer's own client (one attempt, request timeout), with local credentials; closed after it.
    const producerKinesis = createKinesisClient({
      region,
      endpoint: kinesisEngine.endpoint,
      credentials: LOCAL_CREDENTIALS,
      requestTimeoutMs: producerConfig.kinesis.requestTimeoutMs,
      maxSockets: producerConfig.batch.maxInFlight + 1,
    });
    closers.push(async () => producerKinesis.destroy());
    const producer = buildApp(producerConfig, {
      logger: options.logger.child({ component: "producer" }),
      kinesisClient: producerKinesis,
    });
    const producerUrl = await producer.listen({ port: ports.producer, host });
    // Closed in reverse: the producer stops ingest and flushes first, then the runner drains what it read.
    closers.push(() => producer.close());

    return {
      names,
      failedBatchesDir: config.failedBatchesDir,
      endpoints: {
        producer: producerUrl,
        kinesis: kinesisEngine.endpoint,
        dynamodb: dynalite.endpoint,
        sqs: sqs.url,
        x: x?.url ?? config.realX?.baseUrl ?? "",
      },
      x,
      producer,
      runner,
      sqs,
      sqsClient,
      dynamo,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function producerXEnv(config: LocalConfig, x: XEmulator | undefined): Record<string, string> {
  if (config.realX) {
    const env: Record<string, string> = {
      X_BEARER_TOKEN: config.realX.bearerToken,
      X_API_BASE_URL: config.realX.baseUrl,
    };
    if (config.realX.rules) env.X_STREAM_RULES = config.realX.rules;
    return env;
  }
  if (!x) throw new Error("X emulator not started");
  return {
    X_BEARER_TOKEN: x.bearerToken,
    X_API_BASE_URL: x.url,
    // The filtered stream delivers nothing without rules, on X and on the emulator.
    X_STREAM_RULES: JSON.stringify([{ value: "tweetstream OR aws OR kinesis", tag: "local-demo" }]),
  };
}

async function track(
  closers: (() => Promise<void>)[],
  started: Promise<RunningEmulator>,
): Promise<RunningEmulator> {
  const emulator = await started;
  closers.push(() => emulator.close());
  return emulator;
}
