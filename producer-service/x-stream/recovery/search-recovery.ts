import type { Logger } from "pino";
import { ApiResponseError } from "twitter-api-v2";
import type { XPostMessage } from "../envelope.js";
import type { BackoffOptions, IngestObserver } from "../ingest-types.js";
import { Backoff, classifyFailure } from "../reconnect-policy.js";
import type { SearchPlan } from "./recovery-plan.js";

/** X's page size maximum for search/recent. */
const MAX_RESULTS = 100;
/** Attempts at one page before its rule is given up for this gap. */
const MAX_ATTEMPTS = 5;
/** A 400 for `end_time` (X's clock ahead of ours: not yet 10 s in the past) is retried once after this. */
export const END_TIME_RETRY_MS = 5_000;

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

export interface SearchPage {
  data?: unknown[];
  includes?: unknown;
  meta?: { next_token?: string; result_count?: number };
}

/** What a search recovery reads and writes; the ingest passes X-backed ones, tests may pass their own. */
export interface SearchPorts {
  listRules(): Promise<StreamRule[]>;
  /** `GET /2/tweets/search/recent` with these query parameters; throws twitter-api-v2's errors. */
  search(query: Record<string, string>): Promise<SearchPage>;
  /** Takes one recovered post (envelope, de-duplication, the sink); resolves when there is room for more. */
  deliver(post: XPostMessage): Promise<void>;
  /** Waits; false once stopped. */
  sleep(ms: number): Promise<boolean>;
  observer: IngestObserver;
  logger: Logger;
}

export interface SearchRecoveryOptions {
  /** The stream's own fields and expansions, so recovered posts look like streamed ones. */
  fieldsQuery: Record<string, string>;
  maxPosts: number;
  backoff: BackoffOptions;
  /** Wait before the one retry of a request X refused for its `end_time`; END_TIME_RETRY_MS by default. */
  endTimeRetryMs?: number;
}

/**
 * Fills one gap: for each rule, pages through search/recent (newest first, 100 a page, next_token) over the
 * plan's window, handing every post to `deliver` marked with the rule it matched. Bounded by `maxPosts` posts
 * read for the whole gap (X charges each). A rule search refuses (400 naming `query`) is logged with X's
 * message and skipped; another 400 (end_time, start_time, since_id) skips the rule's gap as `search_refused`
 * after one retry for end_time; a page that keeps failing gives up its rule. Resolves with the number of posts read; never rejects.
 */
export async function recoverBySearch(
  plan: Extract<SearchPlan, { kind: "search" }>,
  ports: SearchPorts,
  options: SearchRecoveryOptions,
): Promise<number> {
  const { observer, logger } = ports;
  let read = 0;
  const rules = await attempt("listing stream rules", () => ports.listRules(), ports, options);
  if (rules === undefined) {
    observer.recoverySkipped("search_failed");
    return 0;
  }
  for (const rule of rules) {
    let nextToken: string | undefined;
    do {
      const query: Record<string, string> = {
        query: rule.value,
        ...plan.window,
        end_time: plan.endTime,
        max_results: String(MAX_RESULTS),
        ...options.fieldsQuery,
        ...(nextToken === undefined ? {} : { next_token: nextToken }),
      };
      const page = await attempt(
        `searching for rule ${rule.id}`,
        () => ports.search(query),
        ports,
        options,
        rule,
      );
      if (page === undefined) break;
      const matchingRules = [rule.tag === undefined ? { id: rule.id } : { id: rule.id, tag: rule.tag }];
      const posts = page.data ?? [];
      for (const [index, data] of posts.entries()) {
        read++;
        await ports.deliver({ data, includes: page.includes, matchingRules });
        if (read < options.maxPosts) continue;
        const more =
          index < posts.length - 1 ||
          page.meta?.next_token !== undefined ||
          rules.indexOf(rule) < rules.length - 1;
        if (more) {
          observer.recoverySkipped("max_posts");
          logger.error(
            { gapMs: plan.gapMs, postsRead: read, maxPosts: options.maxPosts, ruleId: rule.id },
            "RECOVERY INCOMPLETE: the gap holds more posts than X_RECOVERY_MAX_POSTS; older posts of this gap are not recovered",
          );
        }
        return read;
      }
      nextToken = page.meta?.next_token;
    } while (nextToken !== undefined);
  }
  return read;
}

/**
 * Runs one request with X's backoff between attempts. Undefined when it is given up: stopped, refused for good
 * (a 400 for a rule: search's grammar differs from the stream's), or failing `MAX_ATTEMPTS` times.
 */
async function attempt<T>(
  what: string,
  request: () => Promise<T>,
  ports: SearchPorts,
  options: SearchRecoveryOptions,
  rule?: StreamRule,
): Promise<T | undefined> {
  const backoff = new Backoff(options.backoff);
  let endTimeRetried = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const failure = classifyFailure(error, what);
      if (failure.fatal) {
        const refused = refusedParameters(error);
        if (refused.includes("end_time") && !endTimeRetried) {
          endTimeRetried = true;
          const retryInMs = options.endTimeRetryMs ?? END_TIME_RETRY_MS;
          ports.logger.warn(
            { ruleId: rule?.id, reason: failure.error.message, retryInMs },
            "search/recent found end_time too recent (clocks apart?); retrying once",
          );
          if (!(await ports.sleep(retryInMs))) return undefined;
          continue;
        }
        const reason = skipReason(rule, error, refused);
        ports.observer.recoverySkipped(reason);
        ports.logger.warn(
          { ruleId: rule?.id, rule: rule?.value, reason: failure.error.message },
          reason === "rule_rejected"
            ? "search/recent refused this rule: its gap is not recovered (the stream goes on)"
            : "recovery search refused: this gap is not recovered",
        );
        return undefined;
      }
      if (attempt >= MAX_ATTEMPTS) {
        ports.observer.recoverySkipped("search_failed");
        ports.logger.error(
          { ruleId: rule?.id, attempts: attempt, detail: failure.detail },
          "recovery search kept failing: the rest of this gap is not recovered for this rule",
        );
        return undefined;
      }
      const delayMs = backoff.next(failure.cause, failure.retryAtMs);
      ports.logger.warn({ detail: failure.detail, retryInMs: delayMs }, "recovery search failed; retrying");
      if (!(await ports.sleep(delayMs))) return undefined;
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
