export type { BillingRefusal, IngestEvent, IngestReport, ReconnectCause } from "./ingest-events.js";
export type { WatermarkOptions, XIngestOptions } from "./ingest-options.js";
export type { EventSink, PushOutcome } from "./ingest-types.js";
export { X_BACKOFF, type XBackoffOptions, XIngestFatalError } from "./reconnect-policy.js";
export { EDGE_MARGIN_MS } from "./recovery/recovery-plan.js";
export { DurableWatermark } from "./watermark/durable-watermark.js";
export { readWatermark, WatermarkFileError } from "./watermark/watermark-file.js";
export { WATERMARK_WRITE_EVERY_MS, WatermarkKeeper } from "./watermark/watermark-keeper.js";
export { createXStreamIngest, type XStreamIngest } from "./x-stream-ingest.js";
