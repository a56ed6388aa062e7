import type { Logger } from "pino";
import { ApiResponseError } from "twitter-api-v2";
import { XIngestFatalError } from "./reconnect-policy.js";
import { REQUEST_TIMEOUT_MS, type XClient } from "./x-client.js";

export interface StreamRuleInput {
  value: string;
  tag?: string;
}

export interface ServerRule extends StreamRuleInput {
  id: string;
}

interface RulesError {
  value?: string;
  title?: string;
  details?: string[];
  detail?: string;
}

const RULES = "tweets/search/stream/rules";

/**
 * Makes the filtered stream's rules equal to `desired`: deletes the rules that are not wanted, adds the
 * missing ones, keeps the rest (so their ids, and the `matching_rules` of tweets in flight, stay stable).
 * The additions are dry-run first, so an invalid rule stops the producer before it changes anything on X.
 * A rejected rule is fatal, named with X's reason. Transport and HTTP errors are thrown as they come, for
 * the caller's retry policy.
 */
export async function syncRules(client: XClient, desired: StreamRuleInput[], logger: Logger): Promise<void> {
  const wanted = dedupe(desired);
  const current = await listRules(client);
  const key = (rule: StreamRuleInput) => `${rule.value}\u0000${rule.tag ?? ""}`;
  const wantedKeys = new Set(wanted.map(key));
  const currentKeys = new Set(current.map(key));
  const toDelete = current.filter((rule) => !wantedKeys.has(key(rule)));
  const toAdd = wanted.filter((rule) => !currentKeys.has(key(rule)));
  if (toAdd.length > 0) {
    // A rule whose tag changes is deleted and re-added: X reports its value as a duplicate until then.
    const replaced = new Set(toDelete.map((rule) => rule.value));
    await addRules(client, toAdd, { dryRun: true, ignoreDuplicatesOf: replaced });
  }
  if (toDelete.length > 0) {
    await rulesRequest(client, { delete: { ids: toDelete.map((rule) => rule.id) } }, false);
  }
  if (toAdd.length > 0) await addRules(client, toAdd, { dryRun: false, ignoreDuplicatesOf: new Set() });
  logger.info(
    { kept: current.length - toDelete.length, added: toAdd.length, deleted: toDelete.length },
    "filtered stream rules in sync",
  );
}

/** The filtered stream's rules as X holds them (recovery searches each one). */
export async function listRules(client: XClient): Promise<ServerRule[]> {
  const response = await client.api.get<{ data?: ServerRule[] }>(RULES, undefined, {
    prefix: client.v2,
    timeout: REQUEST_TIMEOUT_MS,
  });
  return response.data ?? [];
}

async function addRules(
  client: XClient,
  rules: StreamRuleInput[],
  { dryRun, ignoreDuplicatesOf }: { dryRun: boolean; ignoreDuplicatesOf: ReadonlySet<string> },
): Promise<void> {
  const errors = await rulesRequest(client, { add: rules }, dryRun);
  const rejected = errors.filter(
    (e) => !(e.title === "DuplicateRule" && e.value && ignoreDuplicatesOf.has(e.value)),
  );
  if (rejected.length === 0) return;
  const reasons = rejected.map((e) => {
    const why = e.details?.join(" ") || e.detail || e.title || "rejected";
    return e.value === undefined ? why : `rule ${JSON.stringify(e.value)}: ${why}`;
  });
  throw new XIngestFatalError(`X rejected the stream rules (X_STREAM_RULES): ${reasons.join("; ")}`);
}

/** Sends a rules change; returns X's per-rule errors, whether X answered 400 or 200 with `errors`. */
async function rulesRequest(client: XClient, body: object, dryRun: boolean): Promise<RulesError[]> {
  try {
    const response = await client.api.post<{ errors?: RulesError[] }>(RULES, body, {
      prefix: client.v2,
      query: dryRun ? { dry_run: true } : {},
      timeout: REQUEST_TIMEOUT_MS,
    });
    return response.errors ?? [];
  } catch (error) {
    const errors =
      error instanceof ApiResponseError ? (error.data as { errors?: RulesError[] }).errors : undefined;
    if (
      error instanceof ApiResponseError &&
      error.code === 400 &&
      Array.isArray(errors) &&
      errors.length > 0
    ) {
      return errors;
    }
    throw error;
  }
}

function dedupe(rules: StreamRuleInput[]): StreamRuleInput[] {
  const byValue = new Map<string, StreamRuleInput>();
  for (const rule of rules) {
    const seen = byValue.get(rule.value);
    if (seen && seen.tag !== rule.tag) {
      throw new XIngestFatalError(
        `X_STREAM_RULES has the rule ${JSON.stringify(rule.value)} twice with different tags; X keeps one rule per value`,
      );
    }
    byValue.set(rule.value, rule);
  }
  return [...byValue.values()];
}
