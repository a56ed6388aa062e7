import type { IncomingMessage, ServerResponse } from "node:http";
import type { ComplianceJobs } from "./compliance/jobs.js";
import { routeCompliance } from "./compliance/routes.js";
import { CONNECTIONS_PATH, connectionsApi } from "./connections/api.js";
import type { BilledEndpoint, Billing } from "./http/billing.js";
import {
  basicCredentialsOf,
  bearerOf,
  rateLimitHeaders,
  readBody,
  readJsonBody,
  sendJson,
} from "./http/messages.js";
import { httpProblem } from "./http/problems.js";
import type { PostHistory } from "./posts/history.js";
import type { RuleSet } from "./rules/rule-set.js";
import { searchRecent } from "./search/recent.js";
import type { StreamKind } from "./stream/connection.js";
import type { StreamHub } from "./stream/hub.js";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface RouteContext {
  hub: StreamHub;
  billing: Billing;
  ruleSet: RuleSet;
  credentials: { bearerToken: string; apiKey: string; apiSecret: string };
  requests: RecordedRequest[];
  compliance: ComplianceJobs;
  history: PostHistory;
}

const STREAM_PATHS: Record<string, StreamKind> = {
  "/2/tweets/search/stream": "filtered",
  "/2/tweets/sample/stream": "sample",
};
const RULES_PATH = "/2/tweets/search/stream/rules";
// X's per-app limits per 15 minutes: stream connections, and recent search (the rules endpoints have the same).
const STREAM_LIMIT = 50;
const SEARCH_LIMIT = 450;
const SEARCH_PATH = "/2/tweets/search/recent";
const isConnectionsPath = (path: string) =>
  path === CONNECTIONS_PATH || path.startsWith(`${CONNECTIONS_PATH}/`);

export async function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  ctx.requests.push({
    method: req.method ?? "",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
  });
  if (req.method === "POST" && url.pathname === "/oauth2/token") return token(ctx, req, res);
  const authorized = bearerOf(req) === ctx.credentials.bearerToken;
  if (await routeCompliance(ctx.compliance, req, res, url, authorized)) return;
  const kind = STREAM_PATHS[url.pathname];
  const known =
    url.pathname === RULES_PATH || url.pathname === SEARCH_PATH || isConnectionsPath(url.pathname);
  if (kind === undefined && !known) {
    return sendJson(res, 404, {
      title: "Not Found Error",
      detail: `No route for ${url.pathname}`,
      type: "about:blank",
    });
  }
  if (bearerOf(req) !== ctx.credentials.bearerToken) return sendJson(res, 401, httpProblem(401));
  if (kind !== undefined && req.method === "GET") {
    if (refusedForBilling(ctx, res, "stream")) return;
    return ctx.hub.open(req, res, kind, url);
  }
  if (url.pathname === RULES_PATH && req.method === "GET") {
    const { status, body } = ctx.ruleSet.get(url.searchParams.get("ids")?.split(","));
    return sendJson(res, status, body, rateLimitHeaders(SEARCH_LIMIT, SEARCH_LIMIT - 1));
  }
  if (url.pathname === RULES_PATH && req.method === "POST") return updateRules(ctx, req, res, url);
  if (url.pathname === SEARCH_PATH && req.method === "GET") {
    if (refusedForBilling(ctx, res, "search")) return;
    const { status, body } = searchRecent(url.searchParams, {
      history: ctx.history,
      rules: ctx.ruleSet.list(),
      nowMs: Date.now(),
    });
    return sendJson(res, status, body, rateLimitHeaders(SEARCH_LIMIT, SEARCH_LIMIT - 1));
  }
  if (isConnectionsPath(url.pathname)) {
    const method = req.method ?? "";
    const body = await readJsonBody(req);
    const answer = connectionsApi(ctx.hub.registry, method, url.pathname, url.searchParams, body);
    return sendJson(res, answer.status, answer.body, rateLimitHeaders(50, 49));
  }
  sendJson(res, 405, {
    title: "Method Not Allowed",
    detail: `${req.method} ${url.pathname}`,
    type: "about:blank",
  });
}

/** Answers a billed request X would refuse for billing; the rate-limit headers still say requests remain. */
function refusedForBilling(ctx: RouteContext, res: ServerResponse, endpoint: BilledEndpoint): boolean {
  const refusal = ctx.billing.check(endpoint);
  if (refusal === undefined) return false;
  const limit = endpoint === "stream" ? STREAM_LIMIT : SEARCH_LIMIT;
  sendJson(res, refusal.status, refusal.body, rateLimitHeaders(limit, limit - 1));
  return true;
}

/** App-only authentication: key and secret (HTTP Basic) in, bearer token out. */
async function token(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = new URLSearchParams(await readBody(req));
  const [key, secret] = basicCredentialsOf(req) ?? [];
  const { apiKey, apiSecret, bearerToken } = ctx.credentials;
  if (key !== apiKey || secret !== apiSecret || body.get("grant_type") !== "client_credentials") {
    const error = {
      code: 99,
      message: "Unable to verify your credentials",
      label: "authenticity_token_error",
    };
    return sendJson(res, 403, { errors: [error] });
  }
  sendJson(res, 200, { token_type: "bearer", access_token: bearerToken });
}

async function updateRules(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const body = await readJsonBody(req);
  const dryRun = url.searchParams.get("dry_run") === "true";
  const deleteAll = url.searchParams.get("delete_all") === "true";
  const { status, body: response } = ctx.ruleSet.update(body, { dryRun, deleteAll });
  if (!dryRun) ctx.hub.queue.wake();
  sendJson(res, status, response, rateLimitHeaders(SEARCH_LIMIT, SEARCH_LIMIT - 1));
}
