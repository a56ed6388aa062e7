// DynamoDB's throttling errors. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether another attempt can help: throttling, 5xx and network failures (no HTTP status) yes; other 4xx
 * (validation, missing table, access denied) never, so they fail at once instead of spending the deadline.
 * Written out here instead of using @smithy's classifier, which is an internal module of the SDK.
 */
export function isRetryableWriteError(err: unknown): boolean {
  const e = err as SdkErrorShape;
  if (e.name === "AbortError") return false;
  if (e.name && THROTTLING.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/**
 * Whether DynamoDB refused the call for what it carries (ValidationException: an attribute or key it does not
 * accept) rather than for where it went (missing table, access denied, which fixing the setup cures). Only such
 * a call is worth splitting to find the one request DynamoDB refuses.
 */
export function isRequestRejection(err: unknown): boolean {
  return (err as SdkErrorShape).name === "ValidationException";
}

export function describeError(err: unknown): string {
  const e = err as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? "Error"}${status ? ` (HTTP ${status})` : ""}: ${e.message ?? String(err)}`;
}
