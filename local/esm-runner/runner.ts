import { setTimeout as sleep } from "node:timers/promises";
import { type KinesisClient, ListShardsCommand } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import { type DeliveryOptions, deliverBatch } from "./batch-delivery.js";
import { failureRecord } from "./failure-record.js";
import { type InvokeTarget, invokeHandler } from "./invoke-handler.js";
import { ShardReader } from "./shard-reader.js";
import type { StreamRecord } from "./stream-record.js";

export interface EventSourceMappingOptions extends Partial<DeliveryOptions> {
  kinesis: KinesisClient;
  streamName: string;
  target: InvokeTarget;
  /** Records per invocation; Lambda's default for Kinesis is 100. */
  batchSize?: number;
  /**
   * How long to gather records before invoking with a partial batch (Lambda's MaximumBatchingWindowInSeconds,
   * whose default is 0; the stack sets 1 s). Default here 500 ms: locally it saves a GetRecords storm on
   * near-empty shards without making the demo look slow.
   */
  batchingWindowMs?: number;
  /** Pause between polls of an idle shard; Lambda polls each shard about once a second. */
  pollIntervalMs?: number;
  /** The on-failure destination (an SQS queue in AWS): receives Lambda's failure record, not the data. */
  sendToDestination(message: string): Promise<void>;
  logger: Logger;
}

export interface MappingStats {
  batches: number;
  records: number;
  invocations: number;
  retries: number;
  discarded: number;
  millisBehindLatest: number;
}

/**
 * A local stand-in for Lambda's Kinesis event source mapping: one poller per shard, one batch per shard in
 * flight, batch size and window, partial batch responses, bisect on error, a retry limit, then the
 * on-failure destination. It invokes the real handler in-process. Shards are listed once, at start: local
 * streams are never resharded, whereas Lambda also follows the child shards of a split or merge.
 */
export class EventSourceMappingRunner {
  readonly stats: MappingStats = {
    batches: 0,
    records: 0,
    invocations: 0,
    retries: 0,
    discarded: 0,
    millisBehindLatest: 0,
  };
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly lag = new Map<string, number>();

  constructor(private readonly options: EventSourceMappingOptions) {}

  async start(): Promise<void> {
    const { Shards = [] } = await this.options.kinesis.send(
      new ListShardsCommand({ StreamName: this.options.streamName }),
    );
    this.running = true;
    this.loops = Shards.map((s) =>
      this.pollShard(new ShardReader(this.options.kinesis, this.options.streamName, s.ShardId ?? "")),
    );
  }

  /** Stops polling; the batch in hand is still delivered. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async pollShard(reader: ShardReader): Promise<void> {
    const { batchSize = 100, batchingWindowMs = 500, pollIntervalMs = 250, logger } = this.options;
    let batch: StreamRecord[] = [];
    let windowStart = 0;
    while (this.running) {
      let read: Awaited<ReturnType<ShardReader["read"]>>;
      try {
        read = await reader.read(batchSize - batch.length);
      } catch (err) {
        logger.warn({ err, shardId: reader.shardId }, "GetRecords failed; retrying");
        reader.reset();
        await sleep(pollIntervalMs * 4);
        continue;
      }
      this.lag.set(reader.shardId, read.millisBehindLatest);
      this.stats.millisBehindLatest = Math.max(...this.lag.values());
      if (batch.length === 0) windowStart = Date.now();
      batch.push(...read.records);
      const windowOver = Date.now() - windowStart >= batchingWindowMs;
      if (batch.length >= batchSize || (batch.length > 0 && (windowOver || !read.open))) {
        await this.deliver(batch);
        batch = [];
        continue;
      }
      if (!read.open) return;
      await sleep(batch.length > 0 ? Math.min(pollIntervalMs, batchingWindowMs) : pollIntervalMs);
    }
    if (batch.length > 0) await this.deliver(batch);
  }

  /**
   * The shard does not move past a discarded batch until its failure record is stored, as in Lambda. A stop
   * gives up waiting: the records are still in the stream, and a restarted mapping reads from TRIM_HORIZON.
   */
  private async sendUntilAccepted(message: string): Promise<void> {
    const { sendToDestination, logger, pollIntervalMs = 250 } = this.options;
    for (;;) {
      try {
        await sendToDestination(message);
        return;
      } catch (err) {
        if (!this.running) {
          logger.error({ err }, "on-failure destination unreachable at stop; failure record not stored");
          return;
        }
        logger.warn({ err }, "on-failure destination unreachable; retrying");
        await sleep(pollIntervalMs * 4);
      }
    }
  }

  private async deliver(batch: StreamRecord[]): Promise<void> {
    const { target, logger } = this.options;
    const result = await deliverBatch(
      batch,
      {
        invoke: (records) => invokeHandler(target, records),
        discard: async (records, reason, attempts) => {
          logger.error(
            { shardId: records[0]?.shardId, records: records.length, reason, attempts },
            "batch sent to on-failure destination",
          );
          await this.sendUntilAccepted(JSON.stringify(failureRecord(records, reason, attempts, target)));
        },
        sleep: (ms) => sleep(ms),
      },
      {
        maxRetryAttempts: this.options.maxRetryAttempts ?? 3,
        bisectOnError: this.options.bisectOnError ?? true,
        retryDelayMs: this.options.retryDelayMs ?? 200,
      },
    );
    this.stats.batches++;
    this.stats.records += batch.length;
    this.stats.invocations += result.invocations;
    this.stats.retries += result.retries;
    this.stats.discarded += result.discarded;
  }
}
