import type { ProducerConfig } from "../config.js";
import type { Spool } from "../spool/index.js";
import type { BackoffOptions } from "./backoff.js";

export type StreamTarget = { StreamName: string } | { StreamARN: string };

export type KinesisWriterOptions = ProducerConfig["batch"] & {
  target: StreamTarget;
  retryBackoff?: BackoffOptions;
  throttleBackoff?: BackoffOptions;
  /** Where records go when the buffer is full or Kinesis is failing, and at shutdown; without it, ingest pauses. */
  spool?: Spool;
};
