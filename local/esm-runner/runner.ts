import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import { BISECT_BATCH_ON_FUNCTION_ERROR, MAPPING_DEFAULTS } from "../../infra/mapping-settings.js";
import { type DeliveryOptions, deliverBatch } from "./batch-delivery.js";
import { DestinationSender, type KeptObject } from "./destination.js";
import { failureRecord, keptBatchKey } from "./failure-record.js";
import { type InvokeTarget, invokeHandler } from "./invoke-handler.js";
import { MAX_INVOCATION_PAYLOAD_BYTES, recordsThatFit } from "./payload-limit.js";
import { listAllShards, shardsReadyToRead } from "./shard-lineage.js";
import { ShardReader } from "./shard-reader.js";
import type { StreamRecord } from "./stream-record.js";

export interface EventSourceMappingOptions extends Partial<DeliveryOptions> {
  kinesis: KinesisClient;
  streamName: string;
  target: InvokeTarget;
  /** Records per invocation. Defaults, like every setting here, are the deployed stack's (infra/mapping-settings). */
  batchSize?: number;
  /** How long to gather records before invoking with a partial batch (Lambda's MaximumBatchingWindowInSeconds). */
  batchingWindowMs?: number;
  /** Pause between polls of an idle shard; Lambda polls each shard about once a second. */
  pollIntervalMs?: number;
  /** How often to list shards besides when one ends (a reshard made elsewhere adds shards to read). */
  shardDiscoveryIntervalMs?: number;
  /** Lambda's invocation payload limit; a batch is trimmed to fit and the rest starts the next batch. */
  maxPayloadBytes?: number;
  /**
   * The on-failure destination (the failed-batch bucket in AWS): stores each batch given up on whole, as Lambda
   * writes it to S3 (key and JSON body).
   */
  keepBatch(object: KeptObject): Promise<void>;
  /** The mapping's UUID in the kept batches' keys, as Lambda's; default: one derived from stream and function. */
  mappingUuid?: string;
  logger: Logger;
}

export interface MappingStats {
  batches: number;
  records: number;
  invocations: number;
  retries: number;
  discarded: number;
  /** Records given up on for their age (MaximumRecordAgeInSeconds), included in `discarded`. */
  expired: number;
  /** Batches stored whole at the on-failure destination, and their records. */
  keptBatches: number;
  keptRecords: number;
  /** Invocations that outlived the function timeout. */
  timedOut: number;
  /** Batches cut short to fit the invocation payload limit. */
  trimmedBatches: number;
  /** Shards read to their end (closed by a split or merge); their children are read next. */
  shardsFinished: number;
  millisBehindLatest: number;
}

/**
 * A local stand-in for Lambda's Kinesis event source mapping: one poller per shard with one batch in flight,
 * batch size and window, the 6 MB payload cap, partial batch responses, bisect on error, a retry limit and a
 * maximum record age, then the on-failure destination. It follows resharding as Lambda does: a child shard
 * is read once its parents are read to their end, and shards are listed again whenever one ends (and every
 * `shardDiscoveryIntervalMs`). It invokes the real handler in-process.
 */
export class EventSourceMappingRunner {
  readonly stats: MappingStats = {
    batches: 0,
    records: 0,
    invocations: 0,
    retries: 0,
    discarded: 0,
    expired: 0,
    keptBatches: 0,
    keptRecords: 0,
    timedOut: 0,
    trimmedBatches: 0,
    shardsFinished: 0,
    millisBehindLatest: 0,
  };
  private running = false;
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private discovery: Promise<void> = Promise.resolve();
  private periodicDiscovery: Promise<void> = Promise.resolve();
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly lag = new Map<string, number>();
  private readonly destination: DestinationSender;

  private readonly mappingUuid: string;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.mappingUuid =
      options.mappingUuid ?? derivedUuid(`${options.streamName}/${options.target.functionName}`);
    this.destination = new DestinationSender(
      options.keepBatch,
      options.logger,
      () => this.running,
      (options.pollIntervalMs ?? 250) * 4,
    );
  }

  async start(): Promise<void> {
    this.running = true;
    await this.discoverShards();
    this.periodicDiscovery = this.rediscoverPeriodically();
  }

  /** Stops polling; the batch in hand is still delivered. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.periodicDiscovery;
    await this.discovery;
    await Promise.all(this.loops);
  }

  /** Lists the shards and starts a poller for each one now ready; one listing at a time. */
  private discoverShards(): Promise<void> {
    const next = this.discovery.then(async () => {
      if (!this.running) return;
      const shards = await listAllShards(this.options.kinesis, this.options.streamName);
      for (const shard of shardsReadyToRead(shards, this.started, this.finished)) {
        this.started.add(shard.shardId);
        const reader = new ShardReader(this.options.kinesis, this.options.streamName, shard.shardId);
        this.loops.push(this.pollShard(reader));
      }
    });
    this.discovery = next.catch(() => undefined);
    return next;
  }

  private async rediscoverPeriodically(): Promise<void> {
    const { shardDiscoveryIntervalMs = 10_000, logger } = this.options;
    while (this.running) {
      await sleep(shardDiscoveryIntervalMs, undefined, { signal: this.stopping.signal }).catch(
        () => undefined,
      );
      if (!this.running) return;
      await this.discoverShards().catch((err) => logger.warn({ err }, "ListShards failed; retrying later"));
    }
  }

  private async pollShard(reader: ShardReader): Promise<void> {
    const { batchSize = MAPPING_DEFAULTS.batchSize, pollIntervalMs = 250, logger } = this.options;
    const batchingWindowMs = this.options.batchingWindowMs ?? MAPPING_DEFAULTS.batchingWindowSeconds * 1000;
    let batch: StreamRecord[] = [];
    let windowStart = 0;
    let ended = false;
    while (this.running) {
      if (!ended) {
        try {
          const read = await reader.read(batchSize - batch.length);
          this.lag.set(reader.shardId, read.millisBehindLatest);
          this.stats.millisBehindLatest = Math.max(0, ...this.lag.values());
          if (batch.length === 0) windowStart = Date.now();
          batch.push(...read.records);
          ended = !read.open;
        } catch (err) {
          logger.warn({ err, shardId: reader.shardId }, "GetRecords failed; retrying");
          reader.reset();
          await sleep(pollIntervalMs * 4);
          continue;
        }
      }
      const windowOver = Date.now() - windowStart >= batchingWindowMs;
      if (batch.length > 0 && (batch.length >= batchSize || windowOver || ended)) {
        batch = await this.deliverWhatFits(batch);
        windowStart = Date.now();
        continue;
      }
      if (ended) return this.finishShard(reader.shardId);
      await sleep(batch.length > 0 ? Math.min(pollIntervalMs, batchingWindowMs) : pollIntervalMs);
    }
    while (batch.length > 0) batch = await this.deliverWhatFits(batch);
  }

  /** A closed shard read to its end: its children may now start, so list the shards again. */
  private finishShard(shardId: string): void {
    this.finished.add(shardId);
    this.lag.delete(shardId);
    this.stats.shardsFinished++;
    this.options.logger.info({ shardId }, "shard read to its end; looking for its child shards");
    this.discoverShards().catch((err) =>
      this.options.logger.warn({ err, shardId }, "ListShards failed after a shard ended; retrying later"),
    );
  }

  /** Delivers the records that fit in one invocation payload and returns the rest, to start the next batch. */
  private async deliverWhatFits(batch: StreamRecord[]): Promise<StreamRecord[]> {
    const { target, logger, maxPayloadBytes = MAX_INVOCATION_PAYLOAD_BYTES } = this.options;
    const fit = recordsThatFit(batch, target.source, maxPayloadBytes);
    if (fit < batch.length) {
      this.stats.trimmedBatches++;
      logger.info(
        { shardId: batch[0]?.shardId, records: batch.length, delivered: fit, maxPayloadBytes },
        "batch trimmed to fit the invocation payload limit; the rest starts the next batch",
      );
    }
    await this.deliver(batch.slice(0, fit));
    return batch.slice(fit);
  }

  private async deliver(batch: StreamRecord[]): Promise<void> {
    const { target, logger } = this.options;
    const shardId = batch[0]?.shardId;
    const result = await deliverBatch(
      batch,
      {
        invoke: (records) =>
          invokeHandler(target, records, (overrunMs) => {
            if (overrunMs === 0) this.stats.timedOut++;
            logger.warn(
              { shardId, overrunMs, timeoutMs: target.timeoutMs },
              "invocation timed out and is still running; the shard waits for it to end before retrying",
            );
          }),
        discard: async (records, condition, reason, attempts) => {
          logger.error(
            { shardId, records: records.length, condition, reason, attempts },
            "batch given up on: kept whole at the on-failure destination",
          );
          const key = keptBatchKey(this.mappingUuid, shardId ?? "unknown", new Date());
          const body = JSON.stringify(failureRecord(records, condition, attempts, target));
          if (await this.destination.send({ key, body })) {
            this.stats.keptBatches++;
            this.stats.keptRecords += records.length;
          }
        },
        sleep: (ms) => sleep(ms),
        now: () => Date.now(),
      },
      {
        maxRetryAttempts: this.options.maxRetryAttempts ?? MAPPING_DEFAULTS.maxRetryAttempts,
        bisectOnError: this.options.bisectOnError ?? BISECT_BATCH_ON_FUNCTION_ERROR,
        retryDelayMs: this.options.retryDelayMs ?? 200,
        maxRecordAgeMs: this.options.maxRecordAgeMs ?? MAPPING_DEFAULTS.maxRecordAgeSeconds * 1000,
      },
    );
    this.stats.batches++;
    this.stats.records += batch.length;
    this.stats.invocations += result.invocations;
    this.stats.retries += result.retries;
    this.stats.discarded += result.discarded;
    this.stats.expired += result.expired;
  }
}

/** A stable UUID-shaped id from a name (the local mapping has no UUID of its own; Lambda's is fixed per mapping). */
function derivedUuid(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
