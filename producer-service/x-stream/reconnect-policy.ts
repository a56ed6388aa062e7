import { ApiRequestError, ApiResponseError } from "twitter-api-v2";
import type { BillingRefusal, ReconnectCause } from "./ingest-events.js";

/** Waits between attempts to reach X (not the Kinesis writer's retry backoff, kinesis/backoff.ts). */
export interface XBackoffOptions {
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

/** X's published reconnect guidance (developer docs, "Handling disconnections"). */
export const X_BACKOFF: XBackoffOptions = {
  networkStepMs: 250,
  networkMaxMs: 16_000,
  httpInitialMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitInitialMs: 60_000,
  // X's rate-limit windows are 15 minutes: waiting longer never helps.
  rateLimitMaxMs: 15 * 60_000,
};

/** Ends ingest for good: retrying cannot fix it (credentials, permissions, rules). */
export class XIngestFatalError extends Error {
  override readonly name = "XIngestFatalError";
}

export type Failure =
  | { fatal: true; error: XIngestFatalError }
  | {
      fatal: false;
      cause: ReconnectCause;
      detail: string;
      /** Only when X said the window is used up (x-rate-limit-remaining: 0): retry no earlier than this. */
      retryAtMs?: number;
      /** 429 TooManyConnections: another connection of this app (often our own stale one) holds the slot. */
      tooManyConnections?: true;
      /** X refuses for billing: retrying soon cannot help, a person must raise the cap or buy credits. */
      billing?: BillingRefusal;
    };

/**
 * Waits between attempts, per kind of failure as X asks: linear for network trouble (stalls and
 * disconnects included), exponential for HTTP errors, exponential from a minute for 429. Each kind counts
 * its own consecutive failures; a healthy connection resets them all.
 */
export class Backoff {
  private network = 0;
  private http = 0;
  private rateLimit = 0;

  constructor(private readonly options: XBackoffOptions) {}

  /** Milliseconds to wait before the next attempt after this failure. */
  next(cause: ReconnectCause, retryAtMs?: number, nowMs = Date.now()): number {
    const o = this.options;
    if (cause === "http") return Math.min(o.httpInitialMs * 2 ** this.http++, o.httpMaxMs);
    if (cause === "rate-limit") {
      const exponential = o.rateLimitInitialMs * 2 ** this.rateLimit++;
      // X says when the window resets (x-rate-limit-reset); never retry before it.
      const untilReset = retryAtMs === undefined ? 0 : retryAtMs - nowMs;
      return Math.min(Math.max(exponential, untilReset), o.rateLimitMaxMs);
    }
    return Math.min(o.networkStepMs * ++this.network, o.networkMaxMs);
  }

  reset(): void {
    this.network = 0;
    this.http = 0;
    this.rateLimit = 0;
  }
}

/**
 * Sorts an error from twitter-api-v2 (or the socket) into fatal or retryable. Details carry the HTTP
 * status and X's problem title only: the library's error objects hold the request, whose headers hold
 * the bearer token, so they are never passed on.
 */
export function classifyFailure(error: unknown, what: string): Failure {
  if (error instanceof XIngestFatalError) return { fatal: true, error };
  if (error instanceof ApiResponseError) {
    const status = error.code;
    const problem = describeProblem(error.data);
    const detail = `${what}: HTTP ${status}${problem ? ` (${problem})` : ""}`;
    // A malformed request or a wrong path does not heal by retrying: say what X said and stop.
    if (status === 400 || status === 404) {
      return {
        fatal: true,
        error: new XIngestFatalError(`X refused ${what}: HTTP ${status}${problem ? ` (${problem})` : ""}`),
      };
    }
    if (status === 401 || status === 403) {
      const hint =
        status === 401 ? "check the bearer token or API key and secret" : "check the app's access level";
      return {
        fatal: true,
        error: new XIngestFatalError(
          `X refused ${what}: HTTP ${status}${problem ? ` (${problem})` : ""}; ${hint}`,
        ),
      };
    }
    const billing = billingRefusal(status, error.data);
    if (billing !== undefined) return { fatal: false, cause: "http", detail, billing };
    if (status === 429) {
      // X's reset time matters only when the window is spent; a 429 with requests left (TooManyConnections)
      // follows the exponential backoff instead of idling until a reset up to 15 minutes away.
      const { reset, remaining } = error.rateLimit ?? {};
      const spent = remaining === 0 && reset !== undefined && reset > 0;
      return {
        fatal: false,
        cause: "rate-limit",
        detail,
        ...(spent ? { retryAtMs: reset * 1000 } : {}),
        ...(isTooManyConnections(error.data) ? { tooManyConnections: true as const } : {}),
      };
    }
    return { fatal: false, cause: "http", detail };
  }
  if (error instanceof ApiRequestError) {
    return { fatal: false, cause: "network", detail: `${what}: ${networkReason(error)}` };
  }
  return { fatal: false, cause: "network", detail: `${what}: ${(error as Error)?.message ?? String(error)}` };
}

/**
 * X's billing refusals, told apart by the problem type's last path segment (X lists them so, and has sent them
 * under both api.twitter.com and api.x.com): 429 `usage-capped` at the monthly cap of post reads (its
 * rate-limit headers say requests remain), 402 `credits-depleted` when the prepaid credits are gone.
 */
export function billingRefusal(status: number, data: unknown): BillingRefusal | undefined {
  const type = typeof data === "object" && data !== null ? (data as { type?: unknown }).type : undefined;
  const last = typeof type === "string" ? type.slice(type.lastIndexOf("/") + 1) : "";
  if (last === "usage-capped" || last === "credits-depleted") return last;
  // A 402 with another or no problem type is still X saying "pay first".
  return status === 402 ? "credits-depleted" : undefined;
}

/** X's answer to a connection beyond the app's allowance: 429 with `connection_issue: TooManyConnections`. */
function isTooManyConnections(data: unknown): boolean {
  if (typeof data !== "object" || data === null) return false;
  const { title, connection_issue: issue } = data as { title?: unknown; connection_issue?: unknown };
  return issue === "TooManyConnections" || title === "ConnectionException";
}

/**
 * X's problem title and detail, then the first error's own message (X's 400s name the bad parameter value
 * only there), or a v1.1-style error message alone, for a log line.
 */
export function describeProblem(data: unknown): string {
  if (typeof data !== "object" || data === null) return "";
  const { title, detail, errors } = data as { title?: unknown; detail?: unknown; errors?: unknown };
  const first = Array.isArray(errors) ? (errors[0] as { message?: unknown } | undefined) : undefined;
  const message = typeof first?.message === "string" ? first.message : "";
  if (typeof title !== "string") return message;
  const summary = typeof detail === "string" && detail !== title ? `${title}: ${detail}` : title;
  return message === "" ? summary : `${summary} ${message}`;
}

/**
 * The socket-level reason behind an `ApiRequestError`. twitter-api-v2 1.29 stores it as `error` while its
 * `requestError` getter reads `requestError`, so the getter is always undefined; we read both.
 */
function networkReason(error: ApiRequestError): string {
  const options = (error as unknown as { _options?: { error?: unknown } })._options;
  const underlying = (error.requestError ?? options?.error) as (Error & { cause?: unknown }) | undefined;
  if (!underlying) return error.message;
  const cause = underlying.cause instanceof Error ? ` (${underlying.cause.message})` : "";
  const code = (underlying as { code?: unknown }).code;
  return `${underlying.message}${typeof code === "string" && !underlying.message.includes(code) ? ` ${code}` : ""}${cause}`;
}
