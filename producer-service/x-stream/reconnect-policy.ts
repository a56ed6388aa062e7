import { ApiRequestError, ApiResponseError } from "twitter-api-v2";
import type { BackoffOptions, ReconnectCause } from "./ingest-types.js";

/** X's published reconnect guidance (developer docs, "Handling disconnections"). */
export const X_BACKOFF: BackoffOptions = {
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
  | { fatal: false; cause: ReconnectCause; detail: string; retryAtMs?: number };

/**
 * Waits between attempts, per kind of failure as X asks: linear for network trouble (stalls and
 * disconnects included), exponential for HTTP errors, exponential from a minute for 429. Each kind counts
 * its own consecutive failures; a healthy connection resets them all.
 */
export class Backoff {
  private network = 0;
  private http = 0;
  private rateLimit = 0;

  constructor(private readonly options: BackoffOptions) {}

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
    if (status === 429) {
      const reset = error.rateLimit?.reset;
      return { fatal: false, cause: "rate-limit", detail, ...(reset ? { retryAtMs: reset * 1000 } : {}) };
    }
    return { fatal: false, cause: "http", detail };
  }
  if (error instanceof ApiRequestError) {
    return { fatal: false, cause: "network", detail: `${what}: ${networkReason(error)}` };
  }
  return { fatal: false, cause: "network", detail: `${what}: ${(error as Error)?.message ?? String(error)}` };
}

/** X's problem title and detail, or a v1.1-style error message, for a log line. */
export function describeProblem(data: unknown): string {
  if (typeof data !== "object" || data === null) return "";
  const { title, detail, errors } = data as { title?: unknown; detail?: unknown; errors?: unknown };
  if (typeof title === "string")
    return typeof detail === "string" && detail !== title ? `${title}: ${detail}` : title;
  const first = Array.isArray(errors) ? (errors[0] as { message?: unknown } | undefined) : undefined;
  return typeof first?.message === "string" ? first.message : "";
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
