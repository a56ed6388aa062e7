import { X_FIELD_PARAMS } from "../../../events/x-fields.js";
import { invalidRequest, type XProblem } from "../http/problems.js";
import type { PostHistory } from "../posts/history.js";
import { mergeIncludes, parseProjection, renderPost } from "../posts/projection.js";
import type { XTweet } from "../posts/x-types.js";
import { queryMatcher } from "../rules/match.js";
import { type StreamRule, validateRule } from "../rules/rule-set.js";

export interface SearchContext {
  history: PostHistory;
  rules: readonly StreamRule[];
  nowMs: number;
}

export const SEARCH_WINDOW_MS = 7 * 24 * 3600_000;
/** X refuses an `end_time` closer to now than this, and defaults it to 30 s before now. */
export const MIN_END_TIME_AGE_MS = 10_000;
const DEFAULT_END_TIME_AGE_MS = 30_000;
// Operators the filtered stream offers and recent search does not: a rule using one is refused by search.
const STREAM_ONLY_OPERATORS = ["sample"];
const PARAMS = ["query", "start_time", "end_time", "since_id", "until_id", "max_results", "next_token"];
const KNOWN = [...PARAMS, "pagination_token", "sort_order", ...Object.keys(X_FIELD_PARAMS)];

const problem = (param: string, value: string, message: string) =>
  invalidRequest(message, { [param]: [value] });

// X's recent search has not returned retweets since May 2026; the stream (and its backfill) still sends them,
// so a gap recovered by search lacks the retweets published in it.
const isRetweet = (tweet: XTweet): boolean =>
  tweet.referenced_tweets?.some((r) => r.type === "retweeted") ?? false;

/** `GET /2/tweets/search/recent` over the emulator's history, retweets left out: newest first, paged by `next_token`. */
export function searchRecent(query: URLSearchParams, ctx: SearchContext): { status: number; body: unknown } {
  const parsed = parseSearch(query, ctx.nowMs);
  if ("title" in parsed) return { status: 400, body: parsed };
  const projection = parseProjection(query);
  if ("title" in projection) return { status: 400, body: projection };
  const matches = queryMatcher(parsed.query, ctx.rules);
  const found = ctx.history.all().filter(({ post }) => {
    const id = BigInt(post.tweet.id);
    const createdMs = Date.parse(post.tweet.created_at);
    return (
      createdMs >= parsed.startMs &&
      createdMs < parsed.endMs &&
      (parsed.sinceId === undefined || id > parsed.sinceId) &&
      (parsed.untilId === undefined || id < parsed.untilId) &&
      matches(post.tweet.id) &&
      !isRetweet(post.tweet)
    );
  });
  found.sort((a, b) => (BigInt(b.post.tweet.id) > BigInt(a.post.tweet.id) ? 1 : -1));
  const page = found.slice(0, parsed.maxResults);
  if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
  const rendered = page.map(({ post, omitAuthor }) => renderPost(post, projection, omitAuthor));
  const newest = page[0]?.post.tweet.id as string;
  const oldest = page.at(-1)?.post.tweet.id as string;
  const meta: Record<string, unknown> = { newest_id: newest, oldest_id: oldest, result_count: page.length };
  if (found.length > page.length) meta.next_token = encodeToken(oldest);
  const includes = mergeIncludes(rendered.map((r) => r.includes));
  return {
    status: 200,
    body: { data: rendered.map((r) => r.data), ...(includes ? { includes } : {}), meta },
  };
}

interface SearchParams {
  query: string;
  startMs: number;
  endMs: number;
  sinceId?: bigint;
  untilId?: bigint;
  maxResults: number;
}

function parseSearch(q: URLSearchParams, nowMs: number): SearchParams | XProblem {
  const unknown = [...q.keys()].filter((name) => !KNOWN.includes(name));
  if (unknown.length > 0) {
    return invalidRequest(`The query parameter [${unknown[0]}] is not one of [${KNOWN.join(",")}]`);
  }
  const query = q.get("query") ?? "";
  if (query.trim() === "") return problem("query", query, "The `query` query parameter can not be empty");
  const ruleProblems = validateRule(query);
  const stream = STREAM_ONLY_OPERATORS.find((op) => new RegExp(`(^|[\\s(-])${op}:`).test(query));
  if (stream) {
    ruleProblems.push(
      `Reference to invalid operator '${stream}'. Operator is not available in current product or product packaging.`,
    );
  }
  if (ruleProblems.length > 0) {
    return problem("query", query, `There were errors processing your request: ${ruleProblems.join(", ")}`);
  }
  const maxRaw = q.get("max_results") ?? "10";
  const maxResults = Number(maxRaw);
  if (!/^\d+$/.test(maxRaw) || maxResults < 10 || maxResults > 100) {
    return problem(
      "max_results",
      maxRaw,
      `The \`max_results\` query parameter value [${maxRaw}] is not between 10 and 100`,
    );
  }
  const ids: Partial<Record<"since_id" | "until_id", bigint>> = {};
  for (const name of ["since_id", "until_id"] as const) {
    const raw = q.get(name);
    if (raw === null) continue;
    if (!/^[0-9]{1,19}$/.test(raw))
      return problem(
        name,
        raw,
        `The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`,
      );
    ids[name] = BigInt(raw);
  }
  const times = parseTimes(q, nowMs);
  if ("title" in times) return times;
  const token = q.get("next_token") ?? q.get("pagination_token");
  let untilId = ids.until_id;
  if (token !== null) {
    const after = decodeToken(token);
    if (after === undefined)
      return problem("next_token", token, `The \`next_token\` query parameter value [${token}] is not valid`);
    untilId = untilId === undefined || after < untilId ? after : untilId;
  }
  return { query, ...times, sinceId: ids.since_id, untilId, maxResults };
}

function parseTimes(q: URLSearchParams, nowMs: number): { startMs: number; endMs: number } | XProblem {
  const parsed: Record<string, number> = {};
  for (const name of ["start_time", "end_time"]) {
    const raw = q.get(name);
    if (raw === null) continue;
    const ms = Date.parse(raw);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(raw) || Number.isNaN(ms)) {
      return problem(
        name,
        raw,
        `The \`${name}\` query parameter value [${raw}] is not a valid RFC3339 date-time`,
      );
    }
    parsed[name] = ms;
  }
  const endMs = parsed.end_time ?? nowMs - DEFAULT_END_TIME_AGE_MS;
  const startMs = parsed.start_time ?? nowMs - SEARCH_WINDOW_MS;
  const end = q.get("end_time") ?? "";
  const start = q.get("start_time") ?? "";
  if (parsed.end_time !== undefined && endMs > nowMs - MIN_END_TIME_AGE_MS) {
    return problem(
      "end_time",
      end,
      `Invalid 'end_time':'${end}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`,
    );
  }
  if (parsed.start_time !== undefined && startMs < nowMs - SEARCH_WINDOW_MS) {
    const limit = new Date(nowMs - SEARCH_WINDOW_MS).toISOString();
    return problem(
      "start_time",
      start,
      `Invalid 'start_time':'${start}'. 'start_time' must be on or after ${limit}.`,
    );
  }
  if (startMs >= endMs) {
    return problem(
      "start_time",
      start,
      `Invalid 'start_time':'${start}'. 'end_time' must be after 'start_time'.`,
    );
  }
  return { startMs, endMs };
}

// The token names the oldest post returned; the next page holds older ones.
function encodeToken(oldestId: string): string {
  return Buffer.from(`after:${oldestId}`).toString("base64url");
}

function decodeToken(token: string): bigint | undefined {
  const match = /^after:([0-9]{1,19})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match ? BigInt(match[1] as string) : undefined;
}
