import type { XFieldSelection } from "../../events/index.js";
import type { XBackoffOptions } from "./reconnect-policy.js";
import type { DurableWatermark } from "./watermark/durable-watermark.js";
import type { StoredWatermark } from "./watermark/watermark-file.js";

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
  backoff?: Partial<XBackoffOptions>;
  /** With SPOOL_DIR: the durable watermark (watermark/). Without it a restart's gap is not recovered. */
  watermark?: WatermarkOptions;
}

export interface RecoveryOptions {
  mode: "search" | "backfill" | "off";
  maxPosts: number;
  maxGapMs: number;
  /** How long after the reconnect a search may start: X wants end_time at least 10 s in the past. */
  searchDelayMs?: number;
  /** While X refuses for billing, how long between tries (connecting, or a recovery search). */
  billingRetryMs?: number;
}

export interface WatermarkOptions {
  /** Fed with every pushed post's outcome; persisted by a WatermarkKeeper (watermark/). */
  core: DurableWatermark;
  /** What the previous process left (read before ingest starts), or undefined on a first start. */
  loaded: StoredWatermark | undefined;
  /** The keeper's write interval: posts the previous process delivered after its last write may come again. */
  writeEveryMs: number;
}
