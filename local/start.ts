import pino from "pino";
import { LOCAL_CREDENTIALS } from "./pipeline/aws-resources.js";
import { watchComplianceDemoRequests } from "./pipeline/compliance-demo-trigger.js";
import { type LocalConfig, LocalConfigError, loadLocalConfig } from "./pipeline/local-config.js";
import { findWholeLongPost } from "./pipeline/long-post.js";
import { type LocalPipeline, startLocalPipeline } from "./pipeline/pipeline.js";
import { formatProgress, readProgress } from "./pipeline/progress.js";
import { localReplayCommand } from "./pipeline/replay-command.js";
import { RICH_MIX } from "./x-emulator/index.js";

/** `npm start`: the whole pipeline on this machine, with no accounts. Ctrl-C stops everything. */
async function main(): Promise<void> {
  const config = loadLocalConfig(process.env);
  // Component logs go to stderr at warn level so the progress lines on stdout stay readable.
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2));
  const startedAt = Date.now();
  // Long posts, retweets, quotes and replies, as X sends them.
  const pipeline = await startLocalPipeline(config, { logger, xEmulator: { generator: { mix: RICH_MIX } } });
  const { names, endpoints } = pipeline;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out("tweetstream local pipeline is running (Ctrl-C to stop)");
  out(`  producer     ${endpoints.producer}  (/healthz /readyz /metrics)`);
  out(`  Kinesis      ${endpoints.kinesis}  stream ${names.stream} (${config.kinesisEngine})`);
  out(`  DynamoDB     ${endpoints.dynamodb}  table ${names.table}`);
  out(`  SQS          ${endpoints.sqs}  queue ${names.queue}`);
  out(
    `  kept batches ${pipeline.failedBatchesDir}  (what the mapping gives up on; replay: see below when any)`,
  );
  out(
    `  X API        ${config.realX ? `${endpoints.x} (real X, your bearer token)` : `${endpoints.x} (emulator, ${config.tweetsPerSecond} tweets/s)`}`,
  );
  out(
    `  credentials  any, e.g. AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`,
  );
  out(
    `  try          aws dynamodb scan --table-name ${names.table} --max-items 3 --endpoint-url ${endpoints.dynamodb}`,
  );

  const outages = scheduleOutages(config, pipeline, out);

  let firstItemAt: number | undefined;
  let longPostShown = false;
  let keptShown = 0;
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
      if (progress.keptBatches > keptShown) {
        keptShown = progress.keptBatches;
        out(
          `the mapping gave up on ${keptShown} batches and kept them whole in ${pipeline.failedBatchesDir}: find the cause in the log (stderr), fix it, then replay them (add --dry-run to see first):\n  ${localReplayCommand(pipeline, config.region)}`,
        );
      }
      if (!longPostShown && progress.itemsInTable > 0) {
        const sample = await findWholeLongPost(pipeline);
        if (sample) {
          longPostShown = true;
          out(
            `a long post is whole in the table: ${sample.key}, Message ${sample.messageLength} characters (X's text stopped at ${sample.xTextLength}; the rest came in note_tweet)`,
          );
        }
      }
    } catch (err) {
      logger.warn({ err }, "progress read failed");
    } finally {
      reporting = false;
    }
  }, config.progressIntervalMs);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      out(`${signal} again: still stopping (kill -9 ${process.pid} stops at once)`);
      return;
    }
    stopping = true;
    out(`${signal}: stopping (producer flushes, then the mapping drains)...`);
    clearInterval(timer);
    clearInterval(outages);
    await pipeline.close();
    out("stopped");
    process.exit(0);
  };
  // Ctrl-C signals the terminal's whole process group, and npm and tsx pass the same SIGINT on: this process can
  // get it two or three times. With `once`, a later copy met no listener and killed the shutdown half-way (1 run
  // in 3 ended without "stopped"), so every copy is heard and the ones after the first only say so.
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // Press c (or set LOCAL_COMPLIANCE_DEMO_SECONDS): a post is deleted on the emulated X and a sweep removes it.
  watchComplianceDemoRequests(pipeline, out, process.env);
}

/** LOCAL_X_OUTAGE_EVERY_MS: cut the emulator's network now and then, so recovery can be watched at work. */
function scheduleOutages(config: LocalConfig, pipeline: LocalPipeline, out: (line: string) => void) {
  const { xOutage } = config;
  const x = pipeline.x;
  if (xOutage === undefined || x === undefined) return undefined;
  return setInterval(() => {
    const seconds = (xOutage.durationMs / 1000).toFixed(1);
    out(
      `[${new Date().toISOString()}] X network outage for ${seconds} s: posts keep being published, none streamed`,
    );
    const before = x.published;
    x.faults.networkOutage({ durationMs: xOutage.durationMs });
    setTimeout(() => {
      out(`[${new Date().toISOString()}] X network back: ${x.published - before} posts to recover`);
    }, xOutage.durationMs).unref();
  }, xOutage.everyMs);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `tweetstream local: ${err instanceof LocalConfigError ? "" : "failed to start: "}${message}\n`,
  );
  process.exit(1);
});
