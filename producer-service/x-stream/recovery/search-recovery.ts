import type { Logger } from "pino";
import type { BillingState } from "../billing-state.js";
import type { XPostMessage } from "../envelope.js";
import type { IngestReport } from "../ingest-events.js";
import type { XBackoffOptions } from "../reconnect-policy.js";
import { isNewerId } from "../snowflake.js";
import { reachableWindow, type SearchPlan } from "./recovery-plan.js";
import { requestWithRetries, type StreamRule } from "./search-request.js";

export type { StreamRule } from "./search-request.js";

/** X's page size limits for search/recent. */
const MAX_RESULTS = 100;
const MIN_RESULTS = 10;

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
  /** Aborted at shutdown: no page is asked for after it (the request in flight is cut by the same signal). */
  stopSignal: AbortSignal;
  /** Where a billing refusal of a search goes, and X accepting again (the ingest's BillingState). */
  billing?: Pick<BillingState, "refused" | "accepted">;
  report: IngestReport;
  logger: Logger;
}

export interface SearchRecoveryOptions {
  /** The stream's own fields and expansions, so recovered posts look like streamed ones. */
  fieldsQuery: Record<string, string>;
  maxPosts: number;
  backoff: XBackoffOptions;
  /** Wait before the one retry of a request X refused for its `end_time`; END_TIME_RETRY_MS by default. */
  endTimeRetryMs?: number;
  /** While X refuses for billing, the wait between tries; BILLING_RETRY_MS by default. */
  billingRetryMs?: number;
  /** The rules in force when the stream went away; those gone since cannot be searched (rules edited meanwhile). */
  rulesInForce?: readonly StreamRule[];
}

/** How a search recovery ended: posts read, and whether it was cut short by a shutdown. */
export interface SearchOutcome {
  read: number;
  /** Stopped before the gap was searched through: its posts not yet read are recovered by the next start. */
  interrupted: boolean;
}

interface RuleCursor {
  rule: StreamRule;
  /** Fixed at the rule's first page (next_token pages repeat it), within search's reach at that time. */
  window: Extract<SearchPlan, { kind: "search" }>["window"] | undefined;
  nextToken: string | undefined;
  done: boolean;
  read: number;
  oldestRead: string | undefined;
}

interface Found {
  message: { data: unknown; includes: unknown };
  rules: Map<string, { id: string; tag?: string }>;
}

/**
 * Fills one gap from search/recent (newest first, next_token paging) over the plan's window, for every rule.
 * `maxPosts` (X charges each post read) is shared: the rules are paged in turns, each page's size the budget
 * left divided among the rules still searching, so each rule keeps its newest posts; rules left with older
 * posts are named in one error line. A post several rules find is delivered once carrying every rule, as the
 * stream sends it. Posts are delivered once the window is searched (or at a shutdown, what was read so far),
 * oldest first. Resolves; never rejects.
 */
export async function recoverBySearch(
  plan: Extract<SearchPlan, { kind: "search" }>,
  ports: SearchPorts,
  options: SearchRecoveryOptions,
): Promise<SearchOutcome> {
  const { report, logger } = ports;
  const listed = await requestWithRetries("listing stream rules", () => ports.listRules(), ports, options);
  if (listed.kind !== "ok") {
    if (listed.kind === "given-up") report({ kind: "recovery-skipped", reason: "search_failed" });
    return { read: 0, interrupted: listed.kind === "stopped" };
  }
  reportRulesGone(options.rulesInForce, listed.value, plan.gapMs, ports);
  const cursors: RuleCursor[] = listed.value.map((rule) => ({
    rule,
    window: undefined,
    nextToken: undefined,
    done: false,
    read: 0,
    oldestRead: undefined,
  }));
  const found = new Map<string, Found>();
  let read = 0;
  let interrupted = false;
  turns: while (!interrupted) {
    const active = cursors.filter((c) => !c.done);
    if (active.length === 0) break;
    const left = options.maxPosts - read;
    if (left < MIN_RESULTS) break;
    const share = Math.max(MIN_RESULTS, Math.min(MAX_RESULTS, Math.floor(left / active.length)));
    for (const cursor of active) {
      if (options.maxPosts - read < share) break turns;
      if (ports.stopSignal.aborted) {
        interrupted = true;
        break;
      }
      const page = await searchPage(plan, cursor, share, ports, options);
      if (page === "stopped") {
        interrupted = true;
        break;
      }
      if (page === undefined) {
        cursor.done = true;
        continue;
      }
      for (const data of page.data ?? []) {
        read++;
        cursor.read++;
        collect(found, data, page.includes, cursor.rule);
        const id = (data as { id?: unknown }).id;
        if (typeof id !== "string") continue;
        if (cursor.oldestRead === undefined || isNewerId(cursor.oldestRead, id)) cursor.oldestRead = id;
      }
      cursor.nextToken = page.meta?.next_token;
      if (cursor.nextToken === undefined) cursor.done = true;
    }
  }
  if (!interrupted) reportBudgetSpent(cursors, plan.gapMs, options.maxPosts, ports);
  // Oldest first, so that posts reach Kinesis in about the order X published them.
  const ids = [...found.keys()].sort((a, b) => (isNewerId(a, b) ? 1 : -1));
  for (const id of ids) {
    const entry = found.get(id) as Found;
    await ports.deliver({ ...entry.message, matchingRules: [...entry.rules.values()] });
  }
  if (interrupted) {
    report({ kind: "recovery-skipped", reason: "shutdown" });
    logger.error(
      { gapMs: plan.gapMs, postsRead: read, postsPushed: ids.length },
      "RECOVERY INTERRUPTED by shutdown: the posts read were pushed; the rest of this gap is not recovered by this process",
    );
  }
  return { read, interrupted };
}

/** One page for one rule, or undefined when the rule is given up (refused, failing), "stopped" on shutdown. */
async function searchPage(
  plan: Extract<SearchPlan, { kind: "search" }>,
  cursor: RuleCursor,
  size: number,
  ports: SearchPorts,
  options: SearchRecoveryOptions,
): Promise<SearchPage | "stopped" | undefined> {
  cursor.window ??= reachableWindow(plan.window, Date.now());
  const query: Record<string, string> = {
    query: cursor.rule.value,
    ...cursor.window,
    end_time: plan.endTime,
    max_results: String(size),
    ...options.fieldsQuery,
    ...(cursor.nextToken === undefined ? {} : { next_token: cursor.nextToken }),
  };
  const outcome = await requestWithRetries(
    `searching for rule ${cursor.rule.id}`,
    () => ports.search(query),
    ports,
    options,
    cursor.rule,
  );
  if (outcome.kind === "ok") return outcome.value;
  return outcome.kind === "stopped" ? "stopped" : undefined;
}

function collect(found: Map<string, Found>, data: unknown, includes: unknown, rule: StreamRule): void {
  const id = (data as { id?: unknown }).id;
  // A post without an id is left to the envelope, which drops and counts it.
  const key = typeof id === "string" ? id : `no-id-${found.size}`;
  const entry = found.get(key) ?? { message: { data, includes }, rules: new Map() };
  entry.rules.set(rule.id, rule.tag === undefined ? { id: rule.id } : { id: rule.id, tag: rule.tag });
  found.set(key, entry);
}

/** The budget ran out with rules still holding older posts: name them, and how far back each got. */
function reportBudgetSpent(
  cursors: RuleCursor[],
  gapMs: number,
  maxPosts: number,
  { report, logger }: SearchPorts,
): void {
  const cut = cursors.filter((c) => !c.done);
  if (cut.length === 0) return;
  report({ kind: "recovery-skipped", reason: "max_posts" });
  logger.error(
    {
      gapMs,
      maxPosts,
      rules: cut.map((c) => ({ ruleId: c.rule.id, postsRead: c.read, oldestRecoveredId: c.oldestRead })),
    },
    "RECOVERY INCOMPLETE: the gap holds more posts than X_RECOVERY_MAX_POSTS; for these rules posts older than the oldest recovered are not recovered",
  );
}

/** Rules in force during the gap that are gone now (edited while disconnected): their gaps cannot be searched. */
function reportRulesGone(
  inForce: readonly StreamRule[] | undefined,
  current: readonly StreamRule[],
  gapMs: number,
  { report, logger }: SearchPorts,
): void {
  if (inForce === undefined) return;
  const values = new Set(current.map((rule) => rule.value));
  const gone = inForce.filter((rule) => !values.has(rule.value));
  if (gone.length === 0) return;
  for (const _ of gone) report({ kind: "recovery-skipped", reason: "rule_changed" });
  logger.error(
    { gapMs, rules: gone.map((rule) => ({ ruleId: rule.id, tag: rule.tag })) },
    "RECOVERY INCOMPLETE: these rules were removed while the stream was disconnected; their posts of the gap are not searched",
  );
}
