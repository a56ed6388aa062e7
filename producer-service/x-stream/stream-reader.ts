import type { Logger } from "pino";
import type { TweetEvent } from "../../events/index.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import type { IngestReport, ReconnectCause } from "./ingest-events.js";
import { LineSplitter } from "./line-splitter.js";
import { parseStreamMessage } from "./message-parser.js";
import type { StreamConnection } from "./stream-connection.js";

const DROP_LOG_EVERY_MS = 10_000;

/** X: a connection that stayed up about a minute was a real one, even on a quiet stream. */
export const DEFAULT_HEALTHY_AFTER_MS = 60_000;

/** How reading a connection ended: why (to pick the backoff), and whether it proved healthy. */
export interface ReadOutcome {
  cause: ReconnectCause;
  detail: string;
  /**
   * The connection delivered a post or stayed up `healthyAfterMs`: only then does the backoff start over.
   * Bytes alone (a keep-alive) do not count, or a server that accepts and drops at once would be hammered.
   */
  healthy: boolean;
}

export interface ReaderDeps {
  /** Takes each post read (the PostIntake, through recovery for backfill); false when the sink is full. */
  accept(event: TweetEvent, receivedAtMs: number): boolean;
  waitForRoom(): Promise<void>;
  report: IngestReport;
  logger: Logger;
  stallTimeoutMs: number;
  /** Default DEFAULT_HEALTHY_AFTER_MS. */
  healthyAfterMs?: number;
}

/**
 * Reads one stream connection until it ends: bytes → lines → events → sink. Pauses the socket while the
 * sink is full, and declares the connection dead after `stallTimeoutMs` of silence (X sends a keep-alive
 * every 20 s, so silence means a broken path even when TCP has not noticed).
 */
export class StreamReader {
  private readonly drops: RateLimitedLog;
  private finishCurrent: ((outcome: ReadOutcome | undefined) => void) | undefined;

  constructor(private readonly deps: ReaderDeps) {
    this.drops = new RateLimitedLog(deps.logger, DROP_LOG_EVERY_MS);
  }

  /** Resolves when the connection ends, or with `undefined` after `stop()`. */
  read(connection: StreamConnection): Promise<ReadOutcome | undefined> {
    const { report, logger, stallTimeoutMs } = this.deps;
    const { body } = connection;
    const startedAtMs = Date.now();
    const healthyAfterMs = this.deps.healthyAfterMs ?? DEFAULT_HEALTHY_AFTER_MS;
    let deliveredPost = false;
    let finished = false;
    let full = false;
    let lastStreamError: string | undefined;
    let receivedAtMs = 0;
    let receivedAt = "";
    let stallTimer: NodeJS.Timeout | undefined;

    return new Promise((resolve) => {
      const finish = (outcome: Omit<ReadOutcome, "healthy"> | undefined): void => {
        if (finished) return;
        finished = true;
        clearTimeout(stallTimer);
        this.finishCurrent = undefined;
        const truncated = splitter.reset();
        if (truncated > 0) {
          report({ kind: "message-dropped", reason: "truncated" });
          this.reportDrop("truncated", `the connection ended ${truncated} bytes into a message`);
        }
        connection.close();
        const healthy = deliveredPost || Date.now() - startedAtMs >= healthyAfterMs;
        resolve(outcome === undefined ? undefined : { ...outcome, healthy });
      };
      const armStallTimer = (): void => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(
          () => finish({ cause: "stall", detail: `no data for ${stallTimeoutMs} ms` }),
          stallTimeoutMs,
        );
      };
      const splitter = new LineSplitter({
        keepAlive: () => undefined,
        dropped: (reason, bytes) => {
          report({ kind: "message-dropped", reason });
          this.reportDrop(reason, `a ${bytes}-byte line`);
        },
        line: (text) => {
          if (finished) return;
          const parsed = parseStreamMessage(text, receivedAt);
          switch (parsed.kind) {
            case "tweet":
              // An error X sent earlier did not end the stream, so it will not explain a later disconnect.
              lastStreamError = undefined;
              report({ kind: "post-received" });
              deliveredPost = true;
              if (parsed.includesDropped) {
                report({ kind: "includes-dropped" });
                logger.warn(
                  { tweetId: parsed.event.id },
                  "post sent without its includes: with them its record would pass Kinesis' 1 MiB",
                );
              }
              if (!this.deps.accept(parsed.event, receivedAtMs)) full = true;
              return;
            case "dropped":
              report({ kind: "message-dropped", reason: parsed.reason });
              this.reportDrop(parsed.reason, parsed.detail, parsed.tweetId);
              return;
            case "stream-error":
              lastStreamError = parsed.detail;
              logger.warn({ detail: parsed.detail }, "X sent an error message on the stream");
              return;
            case "operational-disconnect":
              finish({ cause: "operational-disconnect", detail: parsed.detail });
              return;
          }
        },
      });

      this.finishCurrent = finish;
      body.on("data", (chunk: Buffer) => {
        receivedAtMs = Date.now();
        receivedAt = new Date(receivedAtMs).toISOString();
        splitter.push(chunk);
        if (finished) return;
        if (!full) return armStallTimer();
        // The sink is full: stop reading the socket (TCP pushes back on X) until there is room again.
        // Silence while we are not reading is ours, not X's, so the stall timer waits too.
        full = false;
        clearTimeout(stallTimer);
        body.pause();
        void this.deps.waitForRoom().then(() => {
          if (finished) return;
          armStallTimer();
          body.resume();
        });
      });
      body.once("end", () =>
        finish(
          lastStreamError === undefined
            ? { cause: "network", detail: "X ended the stream" }
            : { cause: "stream-error", detail: lastStreamError },
        ),
      );
      body.once("error", (error: Error) => finish({ cause: "network", detail: error.message }));
      body.once("close", () => finish({ cause: "network", detail: "the connection closed" }));
      armStallTimer();
    });
  }

  /** Every drop is reported (counted); the log shows the first of each reason per interval, with its detail. */
  private reportDrop(reason: string, detail: string, tweetId?: string): void {
    this.drops.warn(reason, { reason, tweetId, detail }, "stream message dropped");
  }

  /** Ends the current read (closing its connection); it resolves with `undefined`. */
  stop(): void {
    this.finishCurrent?.(undefined);
  }
}
