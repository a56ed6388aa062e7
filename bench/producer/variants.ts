import { PutRecordCommand, PutRecordsCommand, type PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import { encodeEvent, type TweetEvent } from "../../events/index.js";
import { batchedPipeline } from "./batched-pipeline.js";
import { benchKinesisClient } from "./bench-kinesis-client.js";
import { createStreamParser } from "./stream-parsing.js";
import type { ProducerPipeline, VariantContext, VariantFactory } from "./variant.js";

/** PutRecords' documented limits, which the pre-built ceiling requests respect. */
const CEILING_BATCH_RECORDS = 500;
const CEILING_BATCH_BYTES = 5 * 1024 * 1024;
/** The producer's default MAX_IN_FLIGHT: the ceiling gets the same concurrency the producer has. */
const CEILING_IN_FLIGHT = 4;

/**
 * The seed design, as twitter2kinesis.py did it: one PutRecord per tweet, each awaited before the next
 * tweet is read. The stream parsing is the production code, so only the Kinesis side differs.
 */
async function seedDesign(context: VariantContext): Promise<ProducerPipeline> {
  const client = benchKinesisClient(context.endpoint, context.region);
  let parsed: TweetEvent[] = [];
  const parser = createStreamParser((event) => parsed.push(event));
  const put = async (events: TweetEvent[], receivedAtMs: number) => {
    for (const event of events) {
      await client.send(
        new PutRecordCommand({
          StreamName: context.streamName,
          Data: encodeEvent(event),
          PartitionKey: event.id,
        }),
      );
      context.onAck(Date.now() - receivedAtMs, 1);
    }
  };
  return {
    feed(chunk, receivedAtMs) {
      parser.push(chunk, receivedAtMs);
      if (parsed.length === 0) return undefined;
      const events = parsed;
      parsed = [];
      return put(events, receivedAtMs);
    },
    async drain() {
      client.destroy();
    },
  };
}

/**
 * The transport ceiling: PutRecords requests built before the clock starts (events encoded, batches full),
 * sent with the producer's concurrency as fast as the SDK and the endpoint answer. No parsing, no batching:
 * what the producer could reach if its own work cost nothing.
 */
async function transportCeiling(context: VariantContext): Promise<ProducerPipeline> {
  const client = benchKinesisClient(context.endpoint, context.region);
  const batches = prebuiltBatches(context.wireBody);
  let next = 0;
  let inFlight = 0;
  // Tweets read but not yet sent: the reads pace the ceiling, each owing one pre-built record.
  let owed = 0;
  let failure: unknown;
  let wakeUps: (() => void)[] = [];
  const slotFreed = () => new Promise<void>((resolve) => wakeUps.push(resolve));
  const send = async (entries: PutRecordsRequestEntry[]) => {
    owed -= entries.length;
    inFlight++;
    const sentAt = Date.now();
    try {
      await client.send(new PutRecordsCommand({ StreamName: context.streamName, Records: entries }));
      context.onAck(Date.now() - sentAt, entries.length);
    } catch (err) {
      failure ??= err;
    } finally {
      inFlight--;
      const wake = wakeUps;
      wakeUps = [];
      for (const resolve of wake) resolve();
    }
  };
  const nextBatch = () => batches[next++ % batches.length] as PutRecordsRequestEntry[];
  const sendFullBatches = async () => {
    while (owed >= CEILING_BATCH_RECORDS) {
      while (inFlight >= CEILING_IN_FLIGHT) await slotFreed();
      void send(nextBatch());
    }
  };
  return {
    feed(chunk) {
      owed += countNewlines(chunk);
      return owed >= CEILING_BATCH_RECORDS ? sendFullBatches() : undefined;
    },
    async drain() {
      if (owed > 0) void send(nextBatch().slice(0, owed));
      while (inFlight > 0) await slotFreed();
      client.destroy();
      if (failure) throw failure;
    },
  };
}

function prebuiltBatches(wireBody: Buffer): PutRecordsRequestEntry[][] {
  const batches: PutRecordsRequestEntry[][] = [];
  let batch: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  const parser = createStreamParser((event) => {
    const entry = { Data: encodeEvent(event), PartitionKey: event.id };
    const size = entry.Data.length + entry.PartitionKey.length;
    if (batch.length === CEILING_BATCH_RECORDS || bytes + size > CEILING_BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  });
  parser.push(wireBody, Date.now());
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

export const PRODUCER_VARIANTS = {
  seed: seedDesign,
  batched: (context) => batchedPipeline(context, { aggregation: false }),
  aggregated: (context) => batchedPipeline(context, { aggregation: true }),
  ceiling: transportCeiling,
} satisfies Record<string, VariantFactory>;

export type ProducerVariantName = keyof typeof PRODUCER_VARIANTS;
