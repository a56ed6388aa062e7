import type { JobType } from "./ports.js";

/** Why X says a stored post or account must change. https://docs.x.com/x-api/compliance/batch-compliance/introduction */
export const ACCOUNT_REASONS = ["deleted", "deactivated", "protected", "suspended"] as const;
const TWEET_DELETE_REASONS = new Set<string>([...ACCOUNT_REASONS, "bounced"]);
const USER_DELETE_REASONS = new Set<string>(ACCOUNT_REASONS);

/** What one result line asks of us. */
export type Verdict =
  | { kind: "delete"; id: string; reason: string }
  | { kind: "scrub-geo"; id: string }
  | { kind: "malformed"; problem: string };

const ID = /^\d{1,20}$/;

/**
 * Reads one line of a job's result file. Anything that is not a JSON object with a numeric `id`, the action
 * `delete` (the only one X's tables list) and a `reason` we know is malformed, and nothing is done for it:
 * deleting is irreversible, so only a line that says exactly what to do is acted on. `scrub_geo` scrubs (X's tables list it under the `delete` action
 * too, but the post itself stays on X); every other known reason deletes.
 */
export function readResultLine(line: string, type: JobType): Verdict {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: "malformed", problem: "not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { kind: "malformed", problem: "not a JSON object" };
  const { id, action, reason } = value as Record<string, unknown>;
  if (typeof id !== "string" || !ID.test(id))
    return { kind: "malformed", problem: "id is not a numeric string" };
  if (typeof action !== "string") return { kind: "malformed", problem: "action is missing" };
  if (typeof reason !== "string") return { kind: "malformed", problem: "reason is missing" };
  // The action first: a line whose action we do not know is acted on in no way, whatever its reason says.
  if (action !== "delete") return { kind: "malformed", problem: `unknown action "${action.slice(0, 40)}"` };
  if (reason === "scrub_geo") return { kind: "scrub-geo", id };
  const known = type === "tweets" ? TWEET_DELETE_REASONS : USER_DELETE_REASONS;
  if (!known.has(reason)) return { kind: "malformed", problem: `unknown reason "${reason.slice(0, 40)}"` };
  return { kind: "delete", id, reason };
}

/** The result file's non-empty lines (X ends the file with a newline; \r\n is tolerated). */
export function resultLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/\r$/, ""))
    .filter((line) => line.trim() !== "");
}
