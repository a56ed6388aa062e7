import type { Logger } from "pino";
import type { TweetEvent } from "../../../events/index.js";
import type { BillingState } from "../billing-state.js";
import { buildEnvelope, type XPostMessage } from "../envelope.js";
import type { IngestReport } from "../ingest-events.js";
import type { RecoveryOptions } from "../ingest-options.js";
import type { PostIntake } from "../post-intake.js";
import type { XBackoffOptions } from "../reconnect-policy.js";
import { raceAbort, sleep } from "../sleep.js";
import { snowflakeTimeMs } from "../snowflake.js";
import type { DurableWatermark, HeldGap } from "../watermark/durable-watermark.js";
import {
  backfillMinutes,
  EDGE_MARGIN_MS,
  type Gap,
  GapTracker,
  MAX_BACKFILL_MINUTES,
  planSearch,
  possibleRepeatsUpToMs,
} from "./recovery-plan.js";
import { recoverBySearch, type SearchPorts, type StreamRule } from "./search-recovery.js";
import { refusedParameters } from "./search-request.js";

export const DEFAULT_RECOVERY: RecoveryOptions = { mode: "search", maxPosts: 10_000, maxGapMs: 3_600_000 };

export interface GapRecoveryDeps {
  options: RecoveryOptions;
  stream: "filtered" | "sample";
  fieldsQuery: Record<string, string>;
  backoff: XBackoffOptions;
  intake: PostIntake;
  sink: { waitForRoom(): Promise<void> };
  report: IngestReport;
  /** The one writer of the billing state: a search refused for billing, and accepted again, go there. */
  billing?: Pick<BillingState, "refused" | "accepted">;
  logger: Logger;
  stopSignal: AbortSignal;
  /** With SPOOL_DIR: a gap stays in it until recovered, so a restart searches the gap again. */
  watermark?: DurableWatermark;
}

type Ports = Pick<SearchPorts, "listRules" | "search">;

/**
 * Recovers what the stream missed across reconnects and restarts (X_RECOVERY): with `search`, a search/recent
 * recovery per gap, run one gap at a time beside the live stream; with `backfill`, X's backfill_minutes on the
 * reconnect. Posts go through the PostIntake like streamed ones (de-duplication, counting, the push).
 */
export class GapRecovery {
  private readonly tracker = new GapTracker();
  private mode: RecoveryOptions["mode"];
  private queue: Promise<void> = Promise.resolve();
  /** On a connection asked for backfill_minutes: when it was requested. Posts created before are backfilled. */
  private backfillUntilMs: number | undefined;
  /** The rules in force on the current connection: a gap searches those still there, and names the others. */
  private rulesInForce: Promise<StreamRule[] | undefined> = Promise.resolve(undefined);

  constructor(private readonly deps: GapRecoveryDeps) {
    const { options, stream, logger } = deps;
    // The sample stream has no rules, so there is no query to search with.
    this.mode = options.mode === "search" && stream === "sample" ? "off" : options.mode;
    if (this.mode !== options.mode)
      logger.info("X_RECOVERY=search does not apply to the sample stream (it has no rules to search)");
  }

  get enabled(): boolean {
    return this.mode !== "off";
  }

  /**
   * Gaps the previous process left unrecovered: searched after the first connection, with the restart's. Each
   * stays in the watermark file (held since the file was read) until its release.
   */
  private restoredGaps: { gap: Gap; held: HeldGap }[] = [];
  /** The previous process's watermark write interval: what it delivered after its last write is not in the file. */
  private writeEveryMs = 0;

  /**
   * The previous process's watermark: the first connection recovers the restart's gap from it, and the gaps
   * the previous process had not finished recovering.
   */
  restarted(
    newestId: string,
    aliveAtMs: number,
    pendingGaps: readonly HeldGap[],
    writeEveryMs: number,
    rules?: readonly StreamRule[],
  ): void {
    this.tracker.restarted(newestId, aliveAtMs);
    // The previous process's rules: those a redeploy removed are named when the restart's gaps are searched.
    this.rulesInForce = Promise.resolve(rules === undefined ? undefined : [...rules]);
    this.writeEveryMs = writeEveryMs;
    this.restoredGaps = pendingGaps.map((held) => ({ gap: { ...held.gap, origin: "restart" }, held }));
  }

  /** A post read from the live stream: into the intake, marked recovered when a backfill replays it. */
  acceptStreamed(event: TweetEvent, receivedAtMs: number): boolean {
    const backfilled =
      this.backfillUntilMs !== undefined && Date.parse(event.createdAt) < this.backfillUntilMs;
    return this.deps.intake.accept(event, backfilled ? "backfilled" : "stream", receivedAtMs);
  }

  /** A post the intake pushed: the newest bounds the next gap's search (since_id). */
  delivered(id: string): void {
    this.tracker.delivered(id);
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
    this.deps.report({ kind: "recovery-skipped", reason: "backfill_refused" });
    this.deps.logger.error(
      { status: 400 },
      "X refused backfill_minutes (Enterprise access only?): X_RECOVERY=backfill is off for this process; gaps are not recovered",
    );
    return true;
  }

  /** The stream is back: starts recovering the gap it leaves behind (and, after a restart, those left over). */
  connected(ports: Ports, nowMs = Date.now()): void {
    const gap = this.tracker.connected(nowMs);
    const rulesBefore = this.rulesInForce;
    if (this.mode === "search") {
      this.rulesInForce = ports.listRules().catch(() => undefined);
      // Kept with the watermark, so that the next start can name the rules a redeploy removed.
      const { watermark } = this.deps;
      if (watermark !== undefined)
        void this.rulesInForce.then((rules) => rules !== undefined && watermark.rulesInForce(rules));
    }
    if (gap === undefined || this.mode === "off") return;
    for (const left of this.restoredGaps.splice(0)) this.recover(left.gap, ports, rulesBefore, left.held);
    this.recover(gap, ports, rulesBefore);
  }

  /** `held`: a gap already in the watermark file (restored from it), with its release. */
  private recover(
    gap: Gap,
    ports: Ports,
    rulesBefore: Promise<StreamRule[] | undefined>,
    held?: HeldGap,
  ): void {
    const { report, logger, options } = this.deps;
    const gapMs = gap.reconnectedAtMs - gap.disconnectedAtMs;
    report({ kind: "gap", origin: gap.origin });
    if (gap.origin === "restart")
      logger.info(
        { gapMs, sinceId: gap.sinceId, from: new Date(gap.disconnectedAtMs).toISOString() },
        "recovering a gap the previous process left, from the durable watermark",
      );
    // Posts a backfill replays from before the disconnect were delivered, however many the window forgot.
    this.deps.intake.raiseFloor(gap.sinceId, EDGE_MARGIN_MS);
    if (this.mode === "backfill") {
      // A gap left in the file is not searched in backfill mode: the restart's backfill covers what it can.
      held?.release();
      if (!backfillMinutes(gapMs).beyond) return;
      report({ kind: "recovery-skipped", reason: "backfill_limit" });
      logger.error(
        { gapMs, backfilledMinutes: MAX_BACKFILL_MINUTES },
        "RECOVERY INCOMPLETE: the gap is longer than X's backfill reaches (5 minutes); the rest is not recovered",
      );
      return;
    }
    const plan = planSearch(gap, options);
    if (plan.kind === "skip") {
      held?.release();
      report({ kind: "recovery-skipped", reason: plan.reason });
      logger.error(
        { gapMs, maxGapMs: options.maxGapMs, origin: gap.origin },
        "RECOVERY SKIPPED: the gap is longer than X_RECOVERY_MAX_GAP; posts published during it are not recovered",
      );
      return;
    }
    const { origin: _, ...fresh } = gap;
    // The stream's posts just after this reconnect fall inside the search's end margin: listed with the gap,
    // so that a restart searching it again skips them (a gap restored from the file keeps its list).
    if (gap.resumedIds === undefined)
      fresh.resumedIds = this.deps.intake.collectStreamed(EDGE_MARGIN_MS + 1_000);
    const stored = held?.gap ?? fresh;
    const repeatsUpToMs = possibleRepeatsUpToMs(gap, held?.gap.searched === true, this.writeEveryMs);
    const release = held?.release ?? this.deps.watermark?.pending(stored);
    this.queue = this.queue.then(async () => {
      const interrupted = await this.search(gap, plan, ports, rulesBefore, () => {
        this.deps.watermark?.searching(stored);
        return repeatsUpToMs;
      });
      // An interrupted gap stays in the watermark file: the next start searches it again. A finished one
      // leaves it once the posts its search pushed are durable (see DurableWatermark.pending()).
      if (!interrupted) release?.();
    });
  }

  /** Resolves once no recovery runs (after stop, the current one gives up at its next request or wait). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async search(
    gap: Gap,
    plan: Extract<ReturnType<typeof planSearch>, { kind: "search" }>,
    ports: Ports,
    rulesBefore: Promise<StreamRule[] | undefined>,
    /** Called as the search begins; posts created up to the time it returns may repeat earlier deliveries. */
    begins: () => number | undefined,
  ): Promise<boolean> {
    const { report, logger, options, stopSignal } = this.deps;
    const gapMs = plan.gapMs;
    if (stopSignal.aborted || !(await sleep(Math.max(0, plan.notBeforeMs - Date.now()), stopSignal))) {
      report({ kind: "recovery-skipped", reason: "shutdown" });
      logger.error(
        { gapMs, origin: gap.origin, sinceId: gap.sinceId },
        this.deps.watermark === undefined
          ? "RECOVERY ABANDONED by shutdown: this gap was not searched and is not recovered (no SPOOL_DIR)"
          : "RECOVERY ABANDONED by shutdown: this gap was not searched; the next start recovers it from the watermark",
      );
      return true;
    }
    logger.info(
      { gapMs, ...plan.window, end_time: plan.endTime, origin: gap.origin },
      "recovering a gap with search/recent",
    );
    const inForce = await rulesBefore;
    const repeatsUpToMs = begins();
    const outcome = await recoverBySearch(
      plan,
      {
        ...ports,
        deliver: (post) => this.deliver(post, repeatsUpToMs),
        sleep: (ms) => sleep(ms, stopSignal),
        stopSignal,
        ...(this.deps.billing === undefined ? {} : { billing: this.deps.billing }),
        report,
        logger,
      },
      {
        fieldsQuery: this.deps.fieldsQuery,
        maxPosts: options.maxPosts,
        backoff: this.deps.backoff,
        ...(options.billingRetryMs === undefined ? {} : { billingRetryMs: options.billingRetryMs }),
        ...(inForce === undefined ? {} : { rulesInForce: inForce }),
      },
    );
    if (!outcome.interrupted) logger.info({ gapMs, postsRead: outcome.read }, "gap recovery finished");
    return outcome.interrupted;
  }

  private async deliver(post: XPostMessage, repeatsUpToMs: number | undefined): Promise<void> {
    const { sink, report, logger, stopSignal } = this.deps;
    const receivedAtMs = Date.now();
    const built = buildEnvelope(post, new Date(receivedAtMs).toISOString(), { recovered: true });
    if (built.kind === "dropped") {
      report({ kind: "message-dropped", reason: built.reason });
      logger.warn(
        { reason: built.reason, tweetId: built.tweetId, detail: built.detail },
        "recovered post dropped",
      );
      return;
    }
    if (built.includesDropped) report({ kind: "includes-dropped" });
    // Wait for room like the stream does, but not past stop(): the writer still takes (or spools) what was
    // read before it closes, so a shutdown pushes the posts already read instead of dropping them.
    const mayRepeat = repeatsUpToMs !== undefined && snowflakeTimeMs(built.event.id) <= repeatsUpToMs;
    if (!this.deps.intake.accept(built.event, "recovered", receivedAtMs, mayRepeat) && !stopSignal.aborted)
      await raceAbort(sink.waitForRoom(), stopSignal);
  }
}
