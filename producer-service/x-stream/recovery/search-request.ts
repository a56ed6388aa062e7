import type { Logger } from "pino";
import { ApiResponseError } from "twitter-api-v2";
import type { BillingState } from "../billing-state.js";
import type { IngestReport } from "../ingest-events.js";
import { Backoff, classifyFailure, type XBackoffOptions } from "../reconnect-policy.js";

/** Attempts at one request before its rule is given up for this gap. */
const MAX_ATTEMPTS = 5;
/** A 400 for `end_time` (X's clock ahead of ours: not yet 10 s in the past) is retried once after this. */
export const END_TIME_RETRY_MS = 5_000;
/** While X refuses for billing, a recovery search is tried again this often (credits can come back any time). */
export const BILLING_RETRY_MS = 5 * 60_000;

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

export type RequestOutcome<T> = { kind: "ok"; value: T } | { kind: "given-up" } | { kind: "stopped" };

interface RequestPorts {
  sleep(ms: number): Promise<boolean>;
  /** Once aborted, a failed request is not retried (the shutdown cut it). */
  stopSignal?: AbortSignal;
  /** Where billing refusals and acceptances go (the one writer of the billing gauge). */
  billing?: Pick<BillingState, "refused" | "accepted">;
  report: IngestReport;
  logger: Logger;
}

interface RequestOptions {
  backoff: XBackoffOptions;
  endTimeRetryMs?: number;
  billingRetryMs?: number;
}

/**
 * Runs one recovery request with X's backoff between attempts. Given up (counted, logged): refused for good
 * (a 400 for a rule: search's grammar differs from the stream's; or for the gap's times), or failing
 * `MAX_ATTEMPTS` times. A billing refusal is not a failure of the gap: it is retried every `billingRetryMs`
 * until X accepts again (credits bought, a new month) or a shutdown stops it, so the gap is not lost.
 */
export async function requestWithRetries<T>(
  what: string,
  request: () => Promise<T>,
  ports: RequestPorts,
  options: RequestOptions,
  rule?: StreamRule,
): Promise<RequestOutcome<T>> {
  const backoff = new Backoff(options.backoff);
  let endTimeRetried = false;
  let billingRefused = false;
  const wait = async (ms: number): Promise<boolean> => ports.sleep(ms);
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await request();
      if (billingRefused) ports.billing?.accepted("search");
      return { kind: "ok", value };
    } catch (error) {
      if (ports.stopSignal?.aborted) return { kind: "stopped" };
      const failure = classifyFailure(error, what);
      if (!failure.fatal && failure.billing !== undefined) {
        billingRefused = true;
        attempt = 0;
        ports.billing?.refused(failure.billing, failure.detail, "search");
        const retryInMs = options.billingRetryMs ?? BILLING_RETRY_MS;
        ports.logger.error(
          { ruleId: rule?.id, refusal: failure.billing, detail: failure.detail, retryInMs },
          "X refused a recovery search for billing: the gap waits (not lost) until X accepts again",
        );
        if (!(await wait(retryInMs))) return { kind: "stopped" };
        continue;
      }
      if (failure.fatal) {
        const refused = refusedParameters(error);
        if (refused.includes("end_time") && !endTimeRetried) {
          endTimeRetried = true;
          const retryInMs = options.endTimeRetryMs ?? END_TIME_RETRY_MS;
          ports.logger.warn(
            { ruleId: rule?.id, reason: failure.error.message, retryInMs },
            "search/recent found end_time too recent (clocks apart?); retrying once",
          );
          if (!(await wait(retryInMs))) return { kind: "stopped" };
          continue;
        }
        const reason = skipReason(rule, error, refused);
        ports.report({ kind: "recovery-skipped", reason });
        ports.logger.warn(
          { ruleId: rule?.id, rule: rule?.value, reason: failure.error.message },
          reason === "rule_rejected"
            ? "search/recent refused this rule: its gap is not recovered (the stream goes on)"
            : "recovery search refused: this gap is not recovered",
        );
        return { kind: "given-up" };
      }
      if (attempt >= MAX_ATTEMPTS) {
        ports.report({ kind: "recovery-skipped", reason: "search_failed" });
        ports.logger.error(
          { ruleId: rule?.id, attempts: attempt, detail: failure.detail },
          "recovery search kept failing: the rest of this gap is not recovered for this rule",
        );
        return { kind: "given-up" };
      }
      const delayMs = backoff.next(failure.cause, failure.retryAtMs);
      ports.logger.warn({ detail: failure.detail, retryInMs: delayMs }, "recovery search failed; retrying");
      if (!(await wait(delayMs))) return { kind: "stopped" };
    }
  }
}

/** Only a refused `query` is the rule's fault; other 400s (times, ids, clocks) are refusals of this gap. */
function skipReason(
  rule: StreamRule | undefined,
  error: unknown,
  refused: string[],
): "rule_rejected" | "search_refused" | "search_failed" {
  if (rule === undefined || !(error instanceof ApiResponseError) || error.code !== 400)
    return "search_failed";
  return refused.includes("query") ? "rule_rejected" : "search_refused";
}

/** The parameters X's 400 names (`errors[].parameters`), for example `["end_time"]`. */
export function refusedParameters(error: unknown): string[] {
  if (!(error instanceof ApiResponseError)) return [];
  const errors = (error.data as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e) => {
    const parameters = (e as { parameters?: unknown } | null)?.parameters;
    return typeof parameters === "object" && parameters !== null ? Object.keys(parameters) : [];
  });
}
