import type { Logger } from "pino";
import type { IngestReport } from "./ingest-events.js";
import { classifyFailure } from "./reconnect-policy.js";
import { REQUEST_TIMEOUT_MS, type XClient } from "./x-client.js";

/** X's endpoint ids for the Connections API (docs.x.com, "Terminate connections by endpoint"). */
const ENDPOINT_IDS = { filtered: "filtered_stream", sample: "sample_stream" } as const;
/**
 * X's rate-limit window. Closing someone else's connection more often means another live process of this app
 * wants the slot too (an overlapping deploy): closing each other's connection would burn X's 50 connects per
 * 15 minutes. Our own connection lingering after a stall is another matter: it is taken over every time.
 */
export const TAKE_OVER_WINDOW_MS = 15 * 60_000;

interface TerminateResponse {
  data?: { successful_kills?: number; failed_kills?: number };
}

/**
 * Closes every open connection of this app to `stream` with X's Connections API
 * (`DELETE /2/connections/{endpoint_id}`), so that a connection left over by a crashed or overlapping
 * process stops holding the app's only slot. Returns how many X closed. Errors are thrown as they come.
 */
export async function terminateStreamConnections(
  client: XClient,
  stream: "filtered" | "sample",
): Promise<{ closed: number; failed: number }> {
  const response = await client.api.delete<TerminateResponse>(
    `connections/${ENDPOINT_IDS[stream]}`,
    undefined,
    {
      prefix: client.v2,
      timeout: REQUEST_TIMEOUT_MS,
    },
  );
  return { closed: response.data?.successful_kills ?? 0, failed: response.data?.failed_kills ?? 0 };
}

/**
 * Decides whether a TooManyConnections is worth a take-over. The slot held by our own previous connection
 * (it ended within the window and nothing was taken over since: X has not noticed it is gone) is taken over
 * whenever it happens; closing anyone else's is allowed once per TAKE_OVER_WINDOW_MS. Times are recorded only
 * once X confirmed the DELETE.
 */
export class TakeOverPolicy {
  private othersTakenOverAtMs: number | undefined;
  private ownEndedAtMs: number | undefined;

  /** Our connection ended: X may keep its slot a while. */
  ownConnectionEnded(nowMs = Date.now()): void {
    this.ownEndedAtMs = nowMs;
  }

  /** Whose connection a take-over now would close, or "refused" within the window after closing another's. */
  decide(nowMs = Date.now()): "own" | "other" | { refused: { lastTakeOverAtMs: number } } {
    const ended = this.ownEndedAtMs;
    if (ended !== undefined && nowMs - ended < TAKE_OVER_WINDOW_MS) return "own";
    const last = this.othersTakenOverAtMs;
    if (last !== undefined && nowMs - last < TAKE_OVER_WINDOW_MS)
      return { refused: { lastTakeOverAtMs: last } };
    return "other";
  }

  /** X closed the connections (the DELETE succeeded). */
  tookOver(whose: "own" | "other", nowMs = Date.now()): void {
    this.ownEndedAtMs = undefined;
    if (whose === "other") this.othersTakenOverAtMs = nowMs;
  }
}

/**
 * On TooManyConnections: closes the connections holding the slot if the policy allows, logging and counting it.
 * True when X closed them and reconnecting at once makes sense.
 */
export async function takeOverSlot(args: {
  client: XClient;
  stream: "filtered" | "sample";
  policy: TakeOverPolicy;
  report: IngestReport;
  log: Logger;
  detail: string;
  stopController: AbortController;
}): Promise<boolean> {
  const { client, stream, policy, report, log, detail } = args;
  const whose = policy.decide();
  if (typeof whose === "object") {
    log.error(
      { detail, lastTakeOverAt: new Date(whose.refused.lastTakeOverAtMs).toISOString() },
      "X refused the connection (TooManyConnections) again after closing another connection within 15 minutes: another live consumer holds the stream connection (two producers with the same app?); backing off per X's rules instead of closing it again",
    );
    return false;
  }
  try {
    const { closed, failed } = await terminateStreamConnections(client, stream);
    policy.tookOver(whose);
    report({ kind: "connection-taken-over" });
    log.warn(
      { detail, closed, failed, whose },
      whose === "own"
        ? "X refused the connection (TooManyConnections): our own previous connection still held the slot; closed it with the Connections API; reconnecting"
        : "X refused the connection (TooManyConnections): closed this app's other connections with the Connections API; reconnecting",
    );
    return true;
  } catch (error) {
    if (args.stopController.signal.aborted) return false;
    const failure = classifyFailure(error, "closing stale connections");
    log.warn(
      { detail, takeOver: failure.fatal ? failure.error.message : failure.detail },
      "X refused the connection (TooManyConnections) and the Connections API could not close the other one; backing off",
    );
    return false;
  }
}
