/** Why a stream connection ended and ingest reconnects (each cause has its own backoff). */
export type ReconnectCause =
  | "network"
  | "http"
  | "rate-limit"
  | "stall"
  | "operational-disconnect"
  | "stream-error";

/** Why a gap, or part of one, was not recovered (the metric declares each at 0). */
export const RECOVERY_SKIP_REASONS = [
  "max_gap",
  "max_posts",
  "rule_rejected",
  "rule_changed",
  "search_refused",
  "search_failed",
  "backfill_limit",
  "backfill_refused",
  "shutdown",
] as const;
export type RecoverySkipReason = (typeof RECOVERY_SKIP_REASONS)[number];

/** X's billing refusals: the monthly cap (429 usage-capped) or prepaid credits gone (402 credits-depleted). */
export const BILLING_REFUSALS = ["usage-capped", "credits-depleted"] as const;
export type BillingRefusal = (typeof BILLING_REFUSALS)[number];

/**
 * Everything ingest reports, for metrics and readiness: one union, so that a new kind of event is one line
 * here, one where it happens and one where it is counted (ingest-metrics.ts).
 */
export type IngestEvent =
  | { kind: "connected" }
  | { kind: "disconnected"; cause: ReconnectCause; detail: string }
  /** A post read from the stream (before de-duplication). */
  | { kind: "post-received" }
  /** A message that did not become an event (malformed line, missing author, over-long line, ...). */
  | { kind: "message-dropped"; reason: string }
  /** A post went out without its includes: with them its record would pass Kinesis' 1 MiB. */
  | { kind: "includes-dropped" }
  /** A post fetched after a reconnect or restart (search/recent or backfill) that had not been delivered. */
  | { kind: "post-recovered" }
  /** A post already delivered (same id within the window, or at or below the replay floor). */
  | { kind: "duplicate-skipped" }
  /** A recovered post a previous process may have delivered (after its last watermark write, or in a search). */
  | { kind: "possible-duplicate" }
  /** X closed this app's other stream connection (Connections API) so that this process could connect. */
  | { kind: "connection-taken-over" }
  /** A gap (or part of one) not recovered. */
  | { kind: "recovery-skipped"; reason: RecoverySkipReason }
  /** A gap to recover: a reconnect's, or the restart's (from the durable watermark). */
  | { kind: "gap"; origin: "reconnect" | "restart" }
  /** X refuses for billing (`refusal`), or accepts again (`undefined`). */
  | { kind: "billing"; refusal: BillingRefusal | undefined }
  | { kind: "watermark-written" }
  /** The watermark file could not be written (SPOOL_DIR refuses): a restart now would start from an older one. */
  | { kind: "watermark-write-failed" };

export type IngestReport = (event: IngestEvent) => void;
