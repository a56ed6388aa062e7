export { SpoolError, type SpoolErrorKind } from "./errors.js";
export { MAX_SPOOL_RECORD_BYTES, recordSize, type SpoolRecord } from "./frame.js";
export type { SpoolOptions } from "./options.js";
export type { SpoolRecovery } from "./recover.js";
export { Spool, type SpoolBatch, type SpoolStats, type SpoolToken } from "./spool.js";
