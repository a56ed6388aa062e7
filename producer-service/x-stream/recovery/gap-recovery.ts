import type { Logger } from "pino";
import type { TweetEvent } from "../../../events/index.js";
import { buildEnvelope, type XPostMessage } from "../envelope.js";
import type { BackoffOptions, EventSink, IngestObserver, RecoveryOptions } from "../ingest-types.js";
import { raceAbort, sleep } from "../sleep.js";
import { backfillMinutes, GapTracker, MAX_BACKFILL_MINUTES, planSearch } from "./recovery-plan.js";
import { recoverBySearch, refusedParameters, type SearchPorts } from "./search-recovery.js";
import { SeenIds } from "./seen-ids.js";

export const DEFAULT_RECOVERY: RecoveryOptions = { mode: "search", maxPosts: 10_000, maxGapMs: 3_600_000 };

export interface GapRecoveryDeps {
  options: RecoveryOptions;
  stream: "filtered" | "sample";
  fieldsQuery: Record<string, string>;
  backoff: BackoffOptions;
  sink: EventSink;
  observer: IngestObserver;
  logger: Logger;
  stopSignal: AbortSignal;
}

/**
 * Recovers what the stream missed across reconnects (X_RECOVERY): with `search`, a search/recent recovery per
 * gap, run one gap at a time beside the live stream; with `backfill`, X's backfill_minutes on the reconnect.
 * Either way posts are de-duplicated by id over a bounded window (SeenIds), streamed ones included.
 */
export class GapRecovery {
  private readonly tracker = new GapTracker();
  private readonly seen: SeenIds | undefined;
  private mode: RecoveryOptions["mode"];
  private queue: Promise<void> = Promise.resolve();
  /** On a connection asked for backfill_minutes: when it was requested. Posts created before are backfilled. */
  private backfillUntilMs: number | undefined;

  constructor(private readonly deps: GapRecoveryDeps) {
    const { options, stream, logger } = deps;
    // The sample stream has no rules, so there is no query to search with.
    this.mode = options.mode === "search" && stream === "sample" ? "off" : options.mode;
    if (this.mode !== options.mode)
      logger.info("X_RECOVERY=search does not apply to the sample stream (it has no rules to search)");
    this.seen = this.mode === "off" ? undefined : new SeenIds();
  }

  /** The sink the live stream pushes into: posts already delivered within the window are skipped. */
  streamSink(): EventSink {
    const { sink, observer } = this.deps;
    const seen = this.seen;
    if (seen === undefined) return sink;
    return {
      push: (event: TweetEvent, receivedAtMs: number): boolean => {
        if (!seen.add(event.id, receivedAtMs)) {
          observer.duplicateSkipped();
          return true;
        }
        if (!this.isBackfilled(event)) return sink.push(event, receivedAtMs);
        observer.tweetRecovered();
        return sink.push({ ...event, recovered: true } as TweetEvent, receivedAtMs);
      },
      waitForRoom: () => sink.waitForRoom(),
    };
  }

  /** A post created before a backfill connection was requested, not seen before: the stream had missed it. */
  private isBackfilled(event: TweetEvent): boolean {
    return this.backfillUntilMs !== undefined && Date.parse(event.createdAt) < this.backfillUntilMs;
  }

  /** A post the live stream delivered: the newest bounds the next gap's search (since_id). */
  delivered(event: TweetEvent): void {
    this.tracker.delivered(event.id);
  }

  disconnected(nowMs = Date.now()): void {
    this.tracker.disconnected(nowMs);
  }

  /** Extra query parameters for a connection attempt: backfill_minutes when reconnecting in backfill mode. */
  connectQuery(nowMs = Date.now()): Record<string, string> {
    const gapMs = this.tracker.gapMs(nowMs);
    this.backfillUntilMs = undefined;
    if (this.mode !== "backfill" || gapMs === undefined) return {};
    this.backfillUntilMs = nowMs;
    return { backfill_minutes: String(backfillMinutes(gapMs).minutes) };
  }

  /**
   * True when X refused a connection for its `backfill_minutes` (an app without Enterprise access): backfill
   * is dropped for the rest of this process, said loudly, and the caller reconnects without it.
   */
  backfillRefused(error: unknown): boolean {
    if (this.mode !== "backfill" || !refusedParameters(error).includes("backfill_minutes")) return false;
    this.mode = "off";
    this.backfillUntilMs = undefined;
    this.deps.observer.recoverySkipped("backfill_refused");
    this.deps.logger.error(
      { status: 400 },
      "X refused backfill_minutes (Enterprise access only?): X_RECOVERY=backfill is off for this process; gaps are not recovered",
    );
    return true;
  }

  /** The stream is back: starts recovering the gap it leaves behind. */
  connected(ports: Omit<SearchPorts, "deliver" | "sleep" | "observer" | "logger">, nowMs = Date.now()): void {
    const gap = this.tracker.connected(nowMs);
    if (gap === undefined || this.mode === "off") return;
    const { observer, logger, options } = this.deps;
    const gapMs = gap.reconnectedAtMs - gap.disconnectedAtMs;
    if (this.mode === "backfill") {
      if (!backfillMinutes(gapMs).beyond) return;
      observer.recoverySkipped("backfill_limit");
      logger.error(
        { gapMs, backfilledMinutes: MAX_BACKFILL_MINUTES },
        "RECOVERY INCOMPLETE: the gap is longer than X's backfill reaches (5 minutes); the rest is not recovered",
      );
      return;
    }
    const plan = planSearch(gap, options);
    if (plan.kind === "skip") {
      observer.recoverySkipped(plan.reason);
      logger.error(
        { gapMs, maxGapMs: options.maxGapMs },
        "RECOVERY SKIPPED: the gap is longer than X_RECOVERY_MAX_GAP; posts published during it are not recovered",
      );
      return;
    }
    this.queue = this.queue.then(async () => {
      const { stopSignal } = this.deps;
      if (!(await sleep(Math.max(0, plan.notBeforeMs - Date.now()), stopSignal))) return;
      logger.info({ gapMs, ...plan.window, end_time: plan.endTime }, "recovering a gap with search/recent");
      const read = await recoverBySearch(
        plan,
        {
          ...ports,
          deliver: (post) => this.deliver(post),
          sleep: (ms) => sleep(ms, stopSignal),
          observer,
          logger,
        },
        { fieldsQuery: this.deps.fieldsQuery, maxPosts: options.maxPosts, backoff: this.deps.backoff },
      );
      logger.info({ gapMs, postsRead: read }, "gap recovery finished");
    });
  }

  /** Resolves once no recovery runs (after stop, the current one gives up at its next request or wait). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async deliver(post: XPostMessage): Promise<void> {
    const { sink, observer, logger, stopSignal } = this.deps;
    // After stop() nothing more goes to the sink: the writer is about to close.
    if (stopSignal.aborted) return;
    const receivedAtMs = Date.now();
    const built = buildEnvelope(post, new Date(receivedAtMs).toISOString(), { recovered: true });
    if (built.kind === "dropped") {
      observer.messageDropped(built.reason);
      logger.warn(
        { reason: built.reason, tweetId: built.tweetId, detail: built.detail },
        "recovered post dropped",
      );
      return;
    }
    if (built.includesDropped) observer.includesDropped();
    if (this.seen !== undefined && !this.seen.add(built.event.id, receivedAtMs)) {
      observer.duplicateSkipped();
      return;
    }
    observer.tweetRecovered();
    // Wait for room like the stream does, but not past stop(): with Kinesis down the room may never come.
    if (!sink.push(built.event, receivedAtMs)) await raceAbort(sink.waitForRoom(), stopSignal);
  }
}
