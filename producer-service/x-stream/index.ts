export type {
  BackoffOptions,
  EventSink,
  IngestObserver,
  ReconnectCause,
  XIngestOptions,
  XStreamIngest,
} from "./ingest-types.js";
export { X_BACKOFF, XIngestFatalError } from "./reconnect-policy.js";
export { createXStreamIngest } from "./x-stream-ingest.js";
