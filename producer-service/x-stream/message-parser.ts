import type { TweetEventV2 } from "../../events/index.js";
import { describeJsonSyntaxError } from "../../events/json-syntax-error.js";
import { buildEnvelope, type PostDropReason } from "./envelope.js";

/** Why a stream message did not become an event; low-cardinality, used as a metric label. */
export type MessageDropReason = "malformed-json" | "not-a-tweet" | PostDropReason;

export type ParsedMessage =
  /** `includesDropped`: the includes were left out to keep the record under Kinesis' 1 MiB. */
  | { kind: "tweet"; event: TweetEventV2; includesDropped: boolean }
  | { kind: "dropped"; reason: MessageDropReason; detail: string; tweetId?: string }
  /** X is about to close the stream for maintenance: reconnect. */
  | { kind: "operational-disconnect"; detail: string }
  /** An error message without tweet data (X usually closes the stream after it). */
  | { kind: "stream-error"; detail: string };

/** Turns one line of X's stream into an event of the shared contract (envelope v2, see envelope.ts). */
export function parseStreamMessage(line: string, receivedAt: string): ParsedMessage {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch (error) {
    // V8's own message quotes the line (tweet text): describe the error by kind and position only.
    return { kind: "dropped", reason: "malformed-json", detail: describeJsonSyntaxError(error, line.length) };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return { kind: "dropped", reason: "not-a-tweet", detail: "the message is not a JSON object" };
  }
  const { data, includes, matching_rules: matchingRules, errors } = message as Record<string, unknown>;
  if (data === undefined) return withoutData(errors);
  return buildEnvelope({ data, includes, matchingRules }, receivedAt, { sourceChars: line.length });
}

function withoutData(errors: unknown): ParsedMessage {
  if (!Array.isArray(errors) || errors.length === 0) {
    return { kind: "dropped", reason: "not-a-tweet", detail: "the message has neither data nor errors" };
  }
  const problems = errors as { title?: unknown; detail?: unknown; message?: unknown }[];
  const detail = problems
    .map((p) => [p?.title, p?.detail ?? p?.message].filter((s) => typeof s === "string").join(": "))
    .join("; ");
  const operational = problems.some((p) => p?.title === "operational-disconnect");
  return { kind: operational ? "operational-disconnect" : "stream-error", detail };
}
