import { invalidRequest, PROBLEM_TYPES } from "../http/problems.js";

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

export interface RulesResponse {
  status: number;
  body: unknown;
}

/** Operators the emulator accepts before a colon; anything else is refused as X refuses it. */
const OPERATORS = new Set([
  "from",
  "to",
  "url",
  "retweets_of",
  "context",
  "entity",
  "conversation_id",
  "bio",
  "bio_name",
  "bio_location",
  "place",
  "place_country",
  "point_radius",
  "bounding_box",
  "is",
  "has",
  "lang",
  "sample",
  "url_title",
  "url_description",
  "in_reply_to_tweet_id",
  "retweets_of_tweet_id",
  "quotes_of_tweet_id",
  "followers_count",
  "tweets_count",
  "following_count",
  "listed_count",
]);
const MAX_RULE_LENGTH = 512;

/**
 * The filtered stream's rule set with X's semantics: a rule's identity is its value (adding the same value
 * twice is a DuplicateRule), an add request with any invalid rule creates nothing, `dry_run` validates
 * without changing anything.
 */
export class RuleSet {
  private readonly rules = new Map<string, StreamRule>();
  private nextId = 1_800_000_000_000_000_000n;

  constructor(private readonly maxRules = 1000) {}

  list(): StreamRule[] {
    return [...this.rules.values()];
  }

  get(ids?: string[]): RulesResponse {
    const data = this.list().filter((rule) => !ids || ids.includes(rule.id));
    const meta = { sent: new Date().toISOString(), result_count: data.length };
    return { status: 200, body: data.length > 0 ? { data, meta } : { meta } };
  }

  update(body: unknown, { dryRun, deleteAll }: { dryRun: boolean; deleteAll: boolean }): RulesResponse {
    if (deleteAll)
      return this.remove(
        this.list().map((rule) => rule.id),
        dryRun,
      );
    if (typeof body !== "object" || body === null)
      return badRequest("The request body must be a JSON object.");
    const { add, delete: del } = body as { add?: unknown; delete?: unknown };
    if ((add === undefined) === (del === undefined)) {
      return badRequest("The request body must contain exactly one of `add` or `delete`.");
    }
    if (add !== undefined) return this.add(add, dryRun);
    const ids = (del as { ids?: unknown }).ids;
    const values = (del as { values?: unknown }).values;
    if (Array.isArray(ids) && ids.every((id) => typeof id === "string")) return this.remove(ids, dryRun);
    if (Array.isArray(values) && values.every((v) => typeof v === "string")) {
      const byValue = this.list().filter((rule) => values.includes(rule.value));
      return this.remove(
        byValue.map((rule) => rule.id),
        dryRun,
        values.length - byValue.length,
      );
    }
    return badRequest("`delete` must hold `ids` (or `values`): an array of strings.");
  }

  private add(add: unknown, dryRun: boolean): RulesResponse {
    if (!Array.isArray(add) || add.length === 0)
      return badRequest("`add` must be a non-empty array of rules.");
    const errors: unknown[] = [];
    const seen = new Set<string>();
    for (const rule of add as { value?: unknown; tag?: unknown }[]) {
      if (typeof rule?.value !== "string" || (rule.tag !== undefined && typeof rule.tag !== "string")) {
        return badRequest("Each rule needs a string `value` and an optional string `tag`.");
      }
      const existing = this.list().find((r) => r.value === rule.value);
      if (existing || seen.has(rule.value)) {
        errors.push({
          value: rule.value,
          id: existing?.id,
          title: "DuplicateRule",
          type: PROBLEM_TYPES.duplicateRules,
        });
        continue;
      }
      seen.add(rule.value);
      const problems = validateRule(rule.value);
      if (problems.length > 0) {
        errors.push({
          value: rule.value,
          details: problems,
          title: "UnprocessableEntity",
          type: PROBLEM_TYPES.invalidRules,
        });
      }
    }
    if (errors.length === 0 && this.rules.size + add.length > this.maxRules) {
      errors.push({
        title: "RulesCapExceeded",
        detail: `Adding ${add.length} rules would exceed the cap of ${this.maxRules} rules.`,
        type: PROBLEM_TYPES.invalidRules,
      });
    }
    const sent = new Date().toISOString();
    if (errors.length > 0) {
      const invalid = errors.length;
      const summary = { created: 0, not_created: add.length, valid: add.length - invalid, invalid };
      return { status: 400, body: { meta: { sent, summary }, errors } };
    }
    const created = (add as { value: string; tag?: string }[]).map((rule) => ({
      id: String(this.nextId++),
      value: rule.value,
      ...(rule.tag === undefined ? {} : { tag: rule.tag }),
    }));
    if (!dryRun) for (const rule of created) this.rules.set(rule.id, rule);
    const summary = { created: created.length, not_created: 0, valid: created.length, invalid: 0 };
    return { status: 201, body: { data: created, meta: { sent, summary } } };
  }

  private remove(ids: string[], dryRun: boolean, missingValues = 0): RulesResponse {
    const missing = ids.filter((id) => !this.rules.has(id));
    if (!dryRun) for (const id of ids) this.rules.delete(id);
    const notDeleted = missing.length + missingValues;
    const summary = { deleted: ids.length - missing.length, not_deleted: notDeleted };
    const body: Record<string, unknown> = { meta: { sent: new Date().toISOString(), summary } };
    if (notDeleted > 0) body.errors = missing.map(() => invalidRequest("Rule does not exist"));
    return { status: 200, body };
  }
}

/** The subset of X's rule grammar checks the emulator makes, with X's wording where it has one. */
export function validateRule(value: string): string[] {
  const problems: string[] = [];
  if (value.trim() === "") return ["Rules must not be empty."];
  if (value.length > MAX_RULE_LENGTH) {
    problems.push(
      `Rule length is ${value.length}, which exceeds the maximum of ${MAX_RULE_LENGTH} characters.`,
    );
  }
  let depth = 0;
  let quoted = false;
  let token = "";
  let positiveTerm = false;
  const endToken = (): void => {
    if (token === "") return;
    const operator = /^-?([A-Za-z_]+):/.exec(token)?.[1];
    if (operator !== undefined && !OPERATORS.has(operator)) {
      problems.push(
        `Reference to invalid operator '${operator}'. Operator is not available in current product or product packaging.`,
      );
    }
    if (!token.startsWith("-") && token.toUpperCase() !== "OR") positiveTerm = true;
    token = "";
  };
  for (const ch of value) {
    if (ch === '"') {
      quoted = !quoted;
      token += ch;
    } else if (quoted) token += ch;
    else if (ch === "(" || ch === ")" || /\s/.test(ch)) {
      endToken();
      if (ch === "(") depth++;
      if (ch === ")" && --depth < 0) break;
    } else token += ch;
  }
  endToken();
  if (quoted) problems.push("Unterminated quoted phrase.");
  if (depth !== 0) problems.push("Unbalanced parentheses.");
  if (!positiveTerm) problems.push("Rules must contain a non-negation term (at position 1).");
  return problems;
}

function badRequest(message: string): RulesResponse {
  return { status: 400, body: invalidRequest(message) };
}
