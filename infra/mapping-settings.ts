/**
 * The event source mapping's settings in one place: the deployed mapping (stream-event-source.ts, through
 * config.ts, where ESM_* variables can override the defaults) and the local runner behind `npm start`
 * (local/pipeline) read them here, so the local pipeline batches, waits, retries and gives up as AWS does.
 */
export interface MappingSettings {
  /** Records per invocation (1 to 10,000). */
  readonly batchSize: number;
  /** Seconds to gather records before invoking (0 to 300). */
  readonly batchingWindowSeconds: number;
  /** Concurrent batches per shard (1 to 10); the local runner always keeps one. */
  readonly parallelizationFactor: number;
  /** Whole-batch retries after a function error before giving up on the batch. */
  readonly maxRetryAttempts: number;
  /** Records older than this are given up on (60 s to 7 days); must stay below the stream's retention. */
  readonly maxRecordAgeSeconds: number;
}

/** The reasoning behind each default is next to its ESM_* variable in config.ts. */
export const MAPPING_DEFAULTS: MappingSettings = {
  batchSize: 500,
  batchingWindowSeconds: 1,
  parallelizationFactor: 1,
  maxRetryAttempts: 10,
  maxRecordAgeSeconds: 21_600,
};

/** Halve a batch whose invocation failed, isolating the record that causes it; not configurable. */
export const BISECT_BATCH_ON_FUNCTION_ERROR = true;
