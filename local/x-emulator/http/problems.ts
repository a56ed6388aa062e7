/**
 * Error bodies in the shapes X API v2 returns them ("problems": `title`, `detail`, `type`), so a client's
 * error handling meets what it will meet in production.
 */
export interface XProblem {
  title: string;
  detail: string;
  type: string;
  status?: number;
  [extra: string]: unknown;
}

export const PROBLEM_TYPES = {
  invalidRequest: "https://api.twitter.com/2/problems/invalid-request",
  invalidRules: "https://api.twitter.com/2/problems/invalid-rules",
  duplicateRules: "https://api.twitter.com/2/problems/duplicate-rules",
  streamingConnection: "https://api.twitter.com/2/problems/streaming-connection",
  operationalDisconnect: "https://api.twitter.com/2/problems/operational-disconnect",
  clientForbidden: "https://api.twitter.com/2/problems/client-forbidden",
  usageCapped: "https://api.twitter.com/2/problems/usage-capped",
  // Seen in the wild under api.x.com, not api.twitter.com: a client must match a problem type by its last
  // path segment, as X's error-type table lists them (`.../usage-capped`).
  creditsDepleted: "https://api.x.com/2/problems/credits-depleted",
} as const;

/** The statuses the `failConnections` fault can answer a stream connection with. */
export type FaultStatus = 401 | 403 | 429 | 500 | 503;

export function httpProblem(status: FaultStatus): XProblem {
  switch (status) {
    case 401:
      return { title: "Unauthorized", type: "about:blank", status, detail: "Unauthorized" };
    case 403:
      return {
        title: "Client Forbidden",
        detail:
          "This request must be made using an approved developer account that is enrolled in the requested endpoint.",
        type: PROBLEM_TYPES.clientForbidden,
        reason: "client-not-enrolled",
        required_enrollment: "Appropriate Level of API Access",
      };
    case 429:
      return { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status };
    case 500:
      return { title: "Internal Server Error", detail: "Internal Server Error", type: "about:blank", status };
    case 503:
      return { title: "Service Unavailable", detail: "Service Unavailable", type: "about:blank", status };
  }
}

/** X answers a connection beyond the app's allowance with 429 and this body. */
export function tooManyConnections(): XProblem {
  return {
    title: "ConnectionException",
    detail: "This stream is currently at the maximum allowed connection limit.",
    connection_issue: "TooManyConnections",
    type: PROBLEM_TYPES.streamingConnection,
  };
}

export function invalidRequest(message: string, parameters: Record<string, string[]> = {}): XProblem {
  return {
    errors: [{ parameters, message }],
    title: "Invalid Request",
    detail: "One or more parameters to your request was invalid.",
    type: PROBLEM_TYPES.invalidRequest,
  };
}

/** Sent inside the stream before X closes it for maintenance; clients should reconnect. */
export function operationalDisconnectMessage(): { errors: XProblem[] } {
  return {
    errors: [
      {
        title: "operational-disconnect",
        disconnect_type: "UpstreamOperationalDisconnect",
        detail: "This stream has been disconnected upstream for operational reasons.",
        type: PROBLEM_TYPES.operationalDisconnect,
      },
    ],
  };
}

/** An in-stream error message without tweet data (X sends these, for example, when it cannot deliver). */
export function streamErrorMessage(problem?: Partial<XProblem>): { errors: XProblem[] } {
  return {
    errors: [
      {
        title: "ConnectionException",
        detail: "This stream has been disconnected because your client was unable to keep up with us.",
        type: PROBLEM_TYPES.streamingConnection,
        ...problem,
      },
    ],
  };
}

/** X's 429 at the monthly cap of post reads, as pay-per-use apps receive it (xdevplatform/xdk issue 25). Its
 * rate-limit headers say requests remain: only the problem type tells it from a rate limit. */
export function usageCapped(): XProblem {
  return {
    account_id: "1800000000000000001",
    title: "UsageCapExceeded",
    period: "Monthly",
    scope: "Product",
    detail: "Usage cap exceeded: Monthly product cap",
    type: PROBLEM_TYPES.usageCapped,
  };
}

/** X's 402 when the app's prepaid credits are gone; requests fail until credits are bought. */
export function creditsDepleted(): XProblem {
  return { title: "Payment Required", detail: "credits depleted", type: PROBLEM_TYPES.creditsDepleted };
}
