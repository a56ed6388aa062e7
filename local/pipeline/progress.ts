import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { countItems } from "./aws-resources.js";
import type { LocalPipeline } from "./pipeline.js";

export interface Progress {
  tweetsReceived: number;
  recordsPut: number;
  itemsInTable: number;
  deadLetters: number;
  consumerLagMs: number;
}

async function counterValue(pipeline: LocalPipeline, name: string): Promise<number> {
  const metric = pipeline.producer.metrics.registry.getSingleMetric(name);
  const data = metric ? await metric.get() : undefined;
  return (data?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

/** Reads every figure from its source: the producer's metrics, the table itself, the queue itself. */
export async function readProgress(pipeline: LocalPipeline): Promise<Progress> {
  const [tweetsReceived, recordsPut, itemsInTable, queue] = await Promise.all([
    counterValue(pipeline, "tweetstream_producer_tweets_received_total"),
    counterValue(pipeline, "tweetstream_producer_records_put_total"),
    countItems(pipeline.dynamo, pipeline.names.table),
    pipeline.sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: pipeline.sqs.queueUrl(pipeline.names.queue),
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    ),
  ]);
  return {
    tweetsReceived,
    recordsPut,
    itemsInTable,
    deadLetters: Number(queue.Attributes?.ApproximateNumberOfMessages ?? 0),
    consumerLagMs: pipeline.runner.stats.millisBehindLatest,
  };
}

export function formatProgress(p: Progress): string {
  return (
    `tweets received ${p.tweetsReceived} | records put ${p.recordsPut} | items in table ${p.itemsInTable}` +
    ` | dead letters ${p.deadLetters} | consumer lag ${p.consumerLagMs} ms`
  );
}
