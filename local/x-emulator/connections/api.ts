import { invalidRequest } from "../http/problems.js";
import { type ConnectionRecord, type ConnectionRegistry, ENDPOINT_NAMES } from "../stream/registry.js";

export const CONNECTIONS_PATH = "/2/connections";
const STATUSES = ["active", "inactive", "all"];
const ENDPOINTS: readonly string[] = Object.values(ENDPOINT_NAMES);

interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * X's Connections API: `GET /2/connections` (history, `status` and `endpoints` filters), `DELETE
 * /2/connections/all`, `DELETE /2/connections/{endpoint_id}` and `DELETE /2/connections` with `{ uuids }`.
 */
export function connectionsApi(
  registry: ConnectionRegistry,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): ApiResponse {
  if (method === "GET" && path === CONNECTIONS_PATH) return list(registry, query);
  if (method !== "DELETE")
    return {
      status: 405,
      body: { title: "Method Not Allowed", detail: `${method} ${path}`, type: "about:blank" },
    };
  if (path === CONNECTIONS_PATH) return killByUuids(registry, body);
  const target = path.slice(CONNECTIONS_PATH.length + 1);
  if (target === "all") return killed(registry.kill(() => true));
  if (!ENDPOINTS.includes(target)) {
    return badRequest(
      "endpoint_id",
      target,
      `The \`endpoint_id\` path parameter value [${target}] is not one of [${ENDPOINTS.join(",")}]`,
    );
  }
  return killed(registry.kill((record) => record.endpoint_name === target));
}

function list(registry: ConnectionRegistry, query: URLSearchParams): ApiResponse {
  const status = query.get("status") ?? "active";
  if (!STATUSES.includes(status)) {
    return badRequest(
      "status",
      status,
      `The \`status\` query parameter value [${status}] is not one of [${STATUSES.join(",")}]`,
    );
  }
  const endpoints = query
    .get("endpoints")
    ?.split(",")
    .filter((e) => e !== "");
  const unknown = endpoints?.find((e) => !ENDPOINTS.includes(e));
  if (unknown !== undefined) {
    return badRequest(
      "endpoints",
      unknown,
      `The \`endpoints\` query parameter value [${unknown}] is not one of [${ENDPOINTS.join(",")}]`,
    );
  }
  const keep = (r: ConnectionRecord) =>
    (status === "all" || (status === "active") === (r.disconnected_at === undefined)) &&
    (endpoints === undefined || endpoints.includes(r.endpoint_name));
  const data = registry.records.filter(keep).reverse();
  return {
    status: 200,
    body: data.length > 0 ? { data, meta: { result_count: data.length } } : { meta: { result_count: 0 } },
  };
}

function killByUuids(registry: ConnectionRegistry, body: unknown): ApiResponse {
  const uuids = (body as { uuids?: unknown } | undefined)?.uuids;
  if (!Array.isArray(uuids) || uuids.length === 0 || !uuids.every((u) => typeof u === "string")) {
    return badRequest(
      "uuids",
      JSON.stringify(uuids ?? null),
      "The request body must hold `uuids`: a non-empty array of strings.",
    );
  }
  const killedUuids = registry.kill((record) => uuids.includes(record.uuid));
  const missing = uuids.filter((uuid) => !killedUuids.includes(uuid));
  return killed(killedUuids, missing);
}

// X's KillAllConnectionsResponse, for all three DELETEs: counts and one result per connection.
function killed(uuids: string[], missing: string[] = []): ApiResponse {
  const results = [
    ...uuids.map((uuid) => ({ uuid, success: true })),
    ...missing.map((uuid) => ({
      uuid,
      success: false,
      error_message: "No active connection with this uuid",
    })),
  ];
  return {
    status: 200,
    body: { data: { successful_kills: uuids.length, failed_kills: missing.length, results } },
  };
}

function badRequest(param: string, value: string, message: string): ApiResponse {
  return { status: 400, body: invalidRequest(message, { [param]: [value] }) };
}
