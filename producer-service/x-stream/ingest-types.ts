import type { TweetEvent, XFieldSelection } from "../../events/index.js";

/** What became of a pushed event: acknowledged by Kinesis or appended to the spool file, or dropped. */
export type PushOutcome = "durable" | "lost";

/** Where ingest puts events; implemented by the Kinesis side. */
export interface EventSink {
  /**
   * Takes the event. `false` means the buffer is now full: ingest stops reading X until `waitForRoom()`.
   * `settled`, when given, is called exactly once, never from inside push(): "durable" once Kinesis
   * acknowledged the event's entry or its bytes were appended to the spool file; "lost" when it was dropped
   * (too large, refused by Kinesis as invalid, pushed after close, spool full at shutdown, abandoned at the
   * hard stop).
   */
  push(event: TweetEvent, receivedAtMs: number, settled?: (outcome: PushOutcome) => void): boolean;
  waitForRoom(): Promise<void>;
}

/** Why a stream connection ended and ingest reconnects (each cause has its own backoff). */
export type ReconnectCause =
  | "network"
  | "http"
  | "rate-limit"
  | "stall"
  | "operational-disconnect"
  | "stream-error";

/** What ingest reports, for metrics and readiness. */
export interface IngestObserver {
  connected(): void;
  disconnected(cause: ReconnectCause, detail: string): void;
  tweetReceived(): void;
  /** A message that did not become an event (malformed line, missing author, over-long line, ...). */
  messageDropped(reason: string): void;
  /** A post went out without its includes: with them its record would pass Kinesis' 1 MiB. */
  includesDropped(): void;
  /** A post fetched after a reconnect (search/recent or backfill) that the stream had not delivered. */
  tweetRecovered(): void;
  /** X closed this app's other stream connection (Connections API) so that this process could connect. */
  connectionTakenOver(): void;
  /** A post already delivered within the de-duplication window (recovery and stream overlap). */
  duplicateSkipped(): void;
  /** A gap (or part of one) not recovered: `max_gap`, `max_posts`, `rule_rejected`, `search_failed`, ... */
  recoverySkipped(reason: RecoverySkipReason): void;
}

export type RecoverySkipReason =
  | "max_gap"
  | "max_posts"
  | "rule_rejected"
  | "search_refused"
  | "search_failed"
  | "backfill_limit"
  | "backfill_refused";

export interface BackoffOptions {
  /** Network errors: wait grows linearly by this step... (X: 250 ms) */
  networkStepMs: number;
  /** ...up to this (X: 16 s). */
  networkMaxMs: number;
  /** HTTP errors: exponential from this (X: 5 s)... */
  httpInitialMs: number;
  /** ...up to this (X: 320 s). */
  httpMaxMs: number;
  /** 429: exponential from this (X: 1 min)... */
  rateLimitInitialMs: number;
  /** ...up to this. */
  rateLimitMaxMs: number;
}

export interface XIngestOptions {
  /** `https://api.x.com`, or an `http://` emulator. No trailing slash. */
  baseUrl: string;
  credentials: { bearerToken: string } | { apiKey: string; apiSecret: string };
  stream: "filtered" | "sample";
  /** When given, the server's rules are made equal to these before streaming. */
  rules?: { value: string; tag?: string }[];
  /** What to ask X for on the stream (and in recovery searches). Default DEFAULT_X_FIELDS. */
  fields?: XFieldSelection;
  /** Silence (no byte, not even a keep-alive) after which the connection counts as dead. Default 30 s. */
  stallTimeoutMs?: number;
  /** A connection up this long (or one that delivered a post) resets the backoff. Default 60 s. */
  healthyAfterMs?: number;
  /**
   * On 429 TooManyConnections, close this app's other connections to the stream with X's Connections API
   * and reconnect at once (a stale connection of a crashed or overlapping process holds the slot). Default true.
   */
  takeOverConnection?: boolean;
  /** How a reconnect's gap is filled (see recovery/). Default: search, 10,000 posts, 1 hour. */
  recovery?: RecoveryOptions;
  backoff?: Partial<BackoffOptions>;
}

export interface RecoveryOptions {
  mode: "search" | "backfill" | "off";
  maxPosts: number;
  maxGapMs: number;
  /** How long after the reconnect a search may start: X wants end_time at least 10 s in the past. */
  searchDelayMs?: number;
}

export interface XStreamIngest {
  /** Connects (syncing rules first when given) and keeps reconnecting until `stop()` or a fatal error. */
  start(): void;
  /** Closes the connection and stops reconnecting; resolves once nothing more will be pushed. */
  stop(): Promise<void>;
  readonly connected: boolean;
  /** Never rejects: resolves with the error that stopped ingest for good (401/403, invalid rules). */
  readonly fatal: Promise<Error>;
}
