import type { Logger } from "pino";
import { DEFAULT_X_FIELDS, xFieldsQuery } from "../../events/index.js";
import { terminateStreamConnections } from "./connection-takeover.js";
import type { EventSink, IngestObserver, XIngestOptions, XStreamIngest } from "./ingest-types.js";
import {
  Backoff,
  classifyFailure,
  type Failure,
  X_BACKOFF,
  type XIngestFatalError,
} from "./reconnect-policy.js";
import { DEFAULT_RECOVERY, GapRecovery } from "./recovery/gap-recovery.js";
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
/** X's rate-limit window. Taking over more often means another live process of this app wants the slot too
 * (an overlapping deploy): closing each other's connection would burn X's 50 connects per 15 minutes. */
const TAKE_OVER_WINDOW_MS = 15 * 60_000;

/**
 * Streams tweets from X into `sink` until stopped: authenticates, syncs the rules, connects, reads, and
 * reconnects as X asks (see reconnect-policy.ts). Credentials and rules X refuses end it: `fatal` resolves.
 */
export function createXStreamIngest(
  options: XIngestOptions,
  sink: EventSink,
  observer: IngestObserver,
  logger: Logger,
): XStreamIngest {
  const log = logger.child({ component: "x-ingest" });
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const backoffOptions = { ...X_BACKOFF, ...options.backoff };
  const backoff = new Backoff(backoffOptions);
  const streamQuery = xFieldsQuery(options.fields ?? DEFAULT_X_FIELDS);
  const stopController = new AbortController();
  const recovery = new GapRecovery({
    options: options.recovery ?? DEFAULT_RECOVERY,
    stream: options.stream,
    fieldsQuery: streamQuery,
    backoff: backoffOptions,
    sink,
    observer,
    logger: log,
    stopSignal: stopController.signal,
  });
  const reader = new StreamReader({
    sink: recovery.streamSink(),
    observer,
    logger: log,
    stallTimeoutMs,
    delivered: (event) => recovery.delivered(event),
    ...(options.healthyAfterMs === undefined ? {} : { healthyAfterMs: options.healthyAfterMs }),
  });
  /** When this process last closed the app's other connection; one take-over per TAKE_OVER_WINDOW_MS. */
  let lastTakeOverAtMs: number | undefined;
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
        return await step();
      } catch (error) {
        if (stopController.signal.aborted) return undefined;
        // A 400 for backfill_minutes is not fatal: recovery drops backfill and the next attempt goes without.
        if (recovery.backfillRefused(error)) continue;
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
    observer.disconnected(cause, detail);
    recovery.disconnected();
    if (failure.tooManyConnections && (await takeOverConnection(detail))) return true;
    const delayMs = backoff.next(cause, retryAtMs);
    log.warn({ cause, detail, retryInMs: delayMs }, "X stream unavailable; retrying");
    return sleep(delayMs, stopController.signal);
  }

  /** True when X closed this app's stale connections and reconnecting at once makes sense. */
  async function takeOverConnection(detail: string): Promise<boolean> {
    if (options.takeOverConnection === false || !client) return false;
    const now = Date.now();
    if (lastTakeOverAtMs !== undefined && now - lastTakeOverAtMs < TAKE_OVER_WINDOW_MS) {
      log.error(
        { detail, lastTakeOverAt: new Date(lastTakeOverAtMs).toISOString() },
        "X refused the connection (TooManyConnections) again after a take-over within 15 minutes: another live consumer holds the stream connection (two producers with the same app?); backing off per X's rules instead of closing it again",
      );
      return false;
    }
    lastTakeOverAtMs = now;
    try {
      const { closed, failed } = await terminateStreamConnections(client, options.stream);
      observer.connectionTakenOver();
      log.warn(
        { detail, closed, failed },
        "X refused the connection (TooManyConnections): closed this app's other connections with the Connections API; reconnecting",
      );
      return true;
    } catch (error) {
      if (stopController.signal.aborted) return false;
      const failure = classifyFailure(error, "closing stale connections");
      log.warn(
        { detail, takeOver: failure.fatal ? failure.error.message : failure.detail },
        "X refused the connection (TooManyConnections) and the Connections API could not close the other one; backing off",
      );
      return false;
    }
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
          { ...streamQuery, ...recovery.connectQuery() },
          {
            stopSignal: stopController.signal,
            connectTimeoutMs: Math.max(stallTimeoutMs, MIN_CONNECT_TIMEOUT_MS),
          },
        ),
      );
      if (!connection) return;
      connected = true;
      observer.connected();
      log.info({ stream: options.stream }, "connected to the X stream");
      recovery.connected({
        listRules: () => listRules(client),
        search: (query) =>
          client.api.get("tweets/search/recent", query, { prefix: client.v2, timeout: REQUEST_TIMEOUT_MS }),
      });
      const outcome = await reader.read(connection);
      connected = false;
      if (!outcome) return;
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
      await recovery.idle();
      connected = false;
    },
    get connected() {
      return connected;
    },
    fatal,
  };
}
