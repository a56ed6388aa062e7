import pino from "pino";
import { LOCAL_CREDENTIALS } from "./pipeline/aws-resources.js";
import { LocalConfigError, loadLocalConfig } from "./pipeline/local-config.js";
import { startLocalPipeline } from "./pipeline/pipeline.js";
import { formatProgress, readProgress } from "./pipeline/progress.js";

/** `npm start`: the whole pipeline on this machine, with no accounts. Ctrl-C stops everything. */
async function main(): Promise<void> {
  const config = loadLocalConfig(process.env);
  // Component logs go to stderr at warn level so the progress lines on stdout stay readable.
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2));
  const startedAt = Date.now();
  const pipeline = await startLocalPipeline(config, { logger });
  const { names, endpoints } = pipeline;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out("tweetstream local pipeline is running (Ctrl-C to stop)");
  out(`  producer     ${endpoints.producer}  (/healthz /readyz /metrics)`);
  out(`  Kinesis      ${endpoints.kinesis}  stream ${names.stream} (${config.kinesisEngine})`);
  out(`  DynamoDB     ${endpoints.dynamodb}  table ${names.table}`);
  out(`  SQS          ${endpoints.sqs}  queues ${names.queue}, ${names.mappingFailures}`);
  out(
    `  X API        ${config.realX ? `${endpoints.x} (real X, your bearer token)` : `${endpoints.x} (emulator, ${config.tweetsPerSecond} tweets/s)`}`,
  );
  out(
    `  credentials  any, e.g. AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`,
  );
  out(
    `  try          aws dynamodb scan --table-name ${names.table} --max-items 3 --endpoint-url ${endpoints.dynamodb}`,
  );

  let firstItemAt: number | undefined;
  let reporting = false;
  const timer = setInterval(async () => {
    if (reporting) return;
    reporting = true;
    try {
      const progress = await readProgress(pipeline);
      if (firstItemAt === undefined && progress.itemsInTable > 0) {
        firstItemAt = Date.now();
        out(`first item in the table ${((firstItemAt - startedAt) / 1000).toFixed(1)} s after start`);
      }
      out(`[${new Date().toISOString()}] ${formatProgress(progress)}`);
    } catch (err) {
      logger.warn({ err }, "progress read failed");
    } finally {
      reporting = false;
    }
  }, config.progressIntervalMs);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`${signal}: stopping (producer flushes, then the mapping drains)...`);
    clearInterval(timer);
    await pipeline.close();
    out("stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `tweetstream local: ${err instanceof LocalConfigError ? "" : "failed to start: "}${message}\n`,
  );
  process.exit(1);
});
