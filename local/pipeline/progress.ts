import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { countKeptBatches } from "../esm-runner/kept-batch-folder.js";
import { countItems } from "./aws-resources.js";
import type { LocalPipeline } from "./pipeline.js";

export interface Progress {
  tweetsReceived: number;
  /** Posts the stream missed, fetched after a reconnect (search/recent or backfill). */
  recovered: number;
  /** Posts seen twice (recovered and streamed, or backfilled) and put once. */
  duplicatesSkipped: number;
  recordsPut: number;
  itemsInTable: number;
  deadLetters: number;
  /** Batches the mapping gave up on, kept whole in the failed-batch folder (the stack's bucket) for replay. */
  keptBatches: number;
  consumerLagMs: number;
}

async function queueDepth(pipeline: LocalPipeline, queue: string): Promise<number> {
  const out = await pipeline.sqsClient.send(
    new GetQueueAttributesCommand({
      QueueUrl: pipeline.sqs.queueUrl(queue),
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function counterValue(pipeline: LocalPipeline, name: string): Promise<number> {
  const metric = pipeline.producer.metrics.registry.getSingleMetric(name);
  const data = metric ? await metric.get() : undefined;
  return (data?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

// The producer's counters on the progress line (tweetstream_producer_<name>_total).
const COUNTERS = {
  tweetsReceived: "tweets_received",
  recovered: "tweets_recovered",
  duplicatesSkipped: "duplicates_skipped",
  recordsPut: "records_put",
} as const;

/** Reads every figure from its source: the producer's metrics, the table itself, the queue itself. */
export async function readProgress(pipeline: LocalPipeline): Promise<Progress> {
  const counters = Promise.all(
    Object.entries(COUNTERS).map(async ([key, name]) => {
      const value = await counterValue(pipeline, `tweetstream_producer_${name}_total`);
      return [key, value] as const;
    }),
  );
  const [counted, itemsInTable, deadLetters, keptBatches] = await Promise.all([
    counters,
    countItems(pipeline.dynamo, pipeline.names.table),
    queueDepth(pipeline, pipeline.names.queue),
    countKeptBatches(pipeline.failedBatchesDir),
  ]);
  return {
    ...(Object.fromEntries(counted) as Record<keyof typeof COUNTERS, number>),
    itemsInTable,
    deadLetters,
    keptBatches,
    consumerLagMs: pipeline.runner.stats.millisBehindLatest,
  };
}

export function formatProgress(p: Progress): string {
  return (
    `tweets received ${p.tweetsReceived} | recovered ${p.recovered} | duplicates skipped ${p.duplicatesSkipped}` +
    ` | records put ${p.recordsPut} | items in table ${p.itemsInTable}` +
    ` | dead letters ${p.deadLetters} | kept batches ${p.keptBatches} | consumer lag ${p.consumerLagMs} ms`
  );
}
