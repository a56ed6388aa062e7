import type { Logger } from "pino";
import { DEFAULT_X_FIELDS, xFieldsQuery } from "../../events/index.js";
import { BILLING_CONNECT_RETRY_MS, BillingState } from "./billing-state.js";
import { TakeOverPolicy, takeOverSlot } from "./connection-takeover.js";
import type { EventSink } from "./event-sink.js";
import type { BillingRefusal, IngestReport } from "./ingest-events.js";
import type { XIngestOptions } from "./ingest-options.js";
import { PostIntake } from "./post-intake.js";
import {
  Backoff,
  classifyFailure,
  type Failure,
  X_BACKOFF,
  type XIngestFatalError,
} from "./reconnect-policy.js";
import { DEFAULT_RECOVERY, GapRecovery } from "./recovery/gap-recovery.js";
import { EDGE_MARGIN_MS } from "./recovery/recovery-plan.js";
import { listRules, syncRules } from "./rules-sync.js";
import { raceAbort, sleep } from "./sleep.js";
import { openStream } from "./stream-connection.js";
import { StreamReader } from "./stream-reader.js";
import { connectXClient, REQUEST_TIMEOUT_MS, type XClient } from "./x-client.js";

const STREAM_PATHS = { filtered: "tweets/search/stream", sample: "tweets/sample/stream" } as const;
/** X sends a keep-alive every 20 s; 30 s of silence means the connection is gone. */
const DEFAULT_STALL_TIMEOUT_MS = 30_000;
/** Waiting for X's response headers is bounded like silence, but never below this: a short stall timeout
 * must not make connecting impossible on a busy machine. */
const MIN_CONNECT_TIMEOUT_MS = 10_000;

export interface XStreamIngest {
  /** Connects (syncing rules first when given) and keeps reconnecting until `stop()` or a fatal error. */
  start(): void;
  /** Closes the connection and stops reconnecting; resolves once nothing more will be pushed. */
  stop(): Promise<void>;
  readonly connected: boolean;
  /** Set while X refuses this app for billing (usage cap reached, credits gone): a person must act. */
  readonly billingRefusal: BillingRefusal | undefined;
  /** While X refuses for billing, a connection is tried this often. */
  readonly billingRetryMs: number;
  /** Never rejects: resolves with the error that stopped ingest for good (401/403, invalid rules). */
  readonly fatal: Promise<Error>;
}

/**
 * Streams posts from X into `sink` until stopped: authenticates, syncs the rules, connects, reads, and
 * reconnects as X asks (see reconnect-policy.ts). Credentials and rules X refuses end it: `fatal` resolves.
 */
export function createXStreamIngest(
  options: XIngestOptions,
  sink: EventSink,
  report: IngestReport,
  logger: Logger,
): XStreamIngest {
  const log = logger.child({ component: "x-ingest" });
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const backoffOptions = { ...X_BACKOFF, ...options.backoff };
  const backoff = new Backoff(backoffOptions);
  const streamQuery = xFieldsQuery(options.fields ?? DEFAULT_X_FIELDS);
  const stopController = new AbortController();
  const recoveryOptions = options.recovery ?? DEFAULT_RECOVERY;
  const watermark = options.watermark;
  let recovery: GapRecovery | undefined;
  const billing = new BillingState(report, log, recoveryOptions.billingRetryMs ?? BILLING_CONNECT_RETRY_MS);
  const intake = new PostIntake({
    sink,
    report,
    deduplicate: recoveryOptions.mode !== "off",
    ...(watermark === undefined ? {} : { watermark: watermark.core }),
    delivered: (id) => recovery?.delivered(id),
  });
  recovery = new GapRecovery({
    options: recoveryOptions,
    stream: options.stream,
    fieldsQuery: streamQuery,
    backoff: backoffOptions,
    intake,
    sink,
    report,
    billing,
    logger: log,
    stopSignal: stopController.signal,
    ...(watermark === undefined ? {} : { watermark: watermark.core }),
  });
  const gaps = recovery;
  const loaded = watermark?.loaded;
  if (watermark !== undefined && loaded !== undefined && gaps.enabled) {
    gaps.restarted(
      loaded.newestId,
      loaded.writtenAtMs,
      watermark.core.restoredGaps(),
      watermark.writeEveryMs,
      loaded.rules,
    );
    intake.alreadyDelivered(loaded.pendingGaps.flatMap((gap) => gap.resumedIds ?? []));
    intake.restored(loaded.recentIds, loaded.newestId, EDGE_MARGIN_MS);
  }
  const reader = new StreamReader({
    accept: (event, receivedAtMs) => gaps.acceptStreamed(event, receivedAtMs),
    waitForRoom: () => sink.waitForRoom(),
    report,
    logger: log,
    stallTimeoutMs,
    ...(options.healthyAfterMs === undefined ? {} : { healthyAfterMs: options.healthyAfterMs }),
  });
  const takeOver = new TakeOverPolicy();
  let connected = false;
  let running: Promise<void> | undefined;
  let resolveFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => {
    resolveFatal = resolve;
  });

  /** Runs `step` until it succeeds, waiting between failures; undefined once stopped or fatal. */
  async function retrying<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    while (!stopController.signal.aborted) {
      try {
        const value = await step();
        billing.accepted();
        return value;
      } catch (error) {
        if (stopController.signal.aborted) return undefined;
        // A 400 for backfill_minutes is not fatal: recovery drops backfill and the next attempt goes without.
        if (gaps.backfillRefused(error)) continue;
        if (!(await recover(classifyFailure(error, what)))) return undefined;
      }
    }
    return undefined;
  }

  /** Handles a failure: false when ingest must end (fatal, or stopped while waiting). */
  async function recover(failure: Failure): Promise<boolean> {
    if (failure.fatal) {
      stopWithFatal(failure.error);
      return false;
    }
    const { cause, detail, retryAtMs } = failure;
    report({ kind: "disconnected", cause, detail });
    gaps.disconnected();
    if (failure.billing !== undefined) {
      billing.refused(failure.billing, detail);
      return sleep(billing.retryInMs, stopController.signal);
    }
    if (failure.tooManyConnections && (await takeOverConnection(detail))) return true;
    const delayMs = backoff.next(cause, retryAtMs);
    log.warn({ cause, detail, retryInMs: delayMs }, "X stream unavailable; retrying");
    return sleep(delayMs, stopController.signal);
  }

  /** True when X closed this app's stale connections and reconnecting at once makes sense. */
  async function takeOverConnection(detail: string): Promise<boolean> {
    if (options.takeOverConnection === false || !client) return false;
    return takeOverSlot({
      client,
      stream: options.stream,
      policy: takeOver,
      report,
      log,
      detail,
      stopController,
    });
  }

  function stopWithFatal(error: XIngestFatalError): void {
    log.error({ reason: error.message }, "X ingest stopped for good");
    resolveFatal(error);
    stopController.abort();
  }

  async function connectAndRead(client: XClient): Promise<void> {
    const path = STREAM_PATHS[options.stream];
    while (!stopController.signal.aborted) {
      // A new connection's first chunk is pushed before the reader can pause: opening one while the sink is
      // full would add a chunk over BUFFER_MAX_BYTES at every reconnect of a long Kinesis outage. Wait here.
      await raceAbort(sink.waitForRoom(), stopController.signal);
      if (stopController.signal.aborted) return;
      const connection = await retrying(`connecting to ${path}`, () =>
        openStream(
          client,
          path,
          { ...streamQuery, ...gaps.connectQuery() },
          {
            stopSignal: stopController.signal,
            connectTimeoutMs: Math.max(stallTimeoutMs, MIN_CONNECT_TIMEOUT_MS),
          },
        ),
      );
      if (!connection) return;
      connected = true;
      report({ kind: "connected" });
      log.info({ stream: options.stream }, "connected to the X stream");
      gaps.connected({
        listRules: () => listRules(client),
        search: (query) =>
          client.api.get("tweets/search/recent", query, { prefix: client.v2, timeout: REQUEST_TIMEOUT_MS }),
      });
      const outcome = await reader.read(connection);
      connected = false;
      if (!outcome) return;
      // We gave up on a silent connection: X may hold its slot a while (a 429 next is our own connection).
      if (outcome.cause === "stall") takeOver.ownConnectionEnded();
      if (outcome.healthy) backoff.reset();
      if (!(await recover({ fatal: false, cause: outcome.cause, detail: outcome.detail }))) return;
    }
  }

  let client: XClient | undefined;

  async function run(): Promise<void> {
    const authenticated = await retrying("authenticating", () =>
      connectXClient(options, stopController.signal),
    );
    if (!authenticated) return;
    client = authenticated;
    try {
      const rules = options.rules;
      if (options.stream === "filtered" && rules) {
        const synced = await retrying("syncing stream rules", async () => {
          await syncRules(authenticated, rules, log);
          return true;
        });
        if (!synced) return;
      }
      await connectAndRead(authenticated);
    } finally {
      authenticated.close();
    }
  }

  return {
    start() {
      running ??= run().catch((error: unknown) => {
        // A bug, not an X failure: surface it as fatal rather than leaving ingest silently dead.
        log.error({ err: error }, "X ingest crashed");
        resolveFatal(error instanceof Error ? error : new Error(String(error)));
      });
    },
    async stop() {
      stopController.abort();
      reader.stop();
      await running;
      await gaps.idle();
      connected = false;
    },
    get connected() {
      return connected;
    },
    get billingRefusal() {
      return billing.refusal;
    },
    billingRetryMs: billing.retryInMs,
    fatal,
  };
}
