import { z } from "zod";
import type { TweetEvent, TweetEventV1 } from "../../events/index.js";

/** Why a stream message did not become an event; low-cardinality, used as a metric label. */
export type MessageDropReason = "malformed-json" | "not-a-tweet" | "invalid-tweet" | "author-missing";

export type ParsedMessage =
  | { kind: "tweet"; event: TweetEvent }
  | { kind: "dropped"; reason: MessageDropReason; detail: string; tweetId?: string }
  /** X is about to close the stream for maintenance: reconnect. */
  | { kind: "operational-disconnect"; detail: string }
  /** An error message without tweet data (X usually closes the stream after it). */
  | { kind: "stream-error"; detail: string };

interface XUserLike {
  id?: unknown;
  username?: unknown;
  name?: unknown;
}

const TWEET_ID = /^[0-9]{1,20}$/;
// X's created_at, e.g. 2025-01-01T12:00:00.000Z: the very pattern the contract's `z.iso.datetime({ offset: true })`
// applies (calendar-exact), compiled once.
const TIMESTAMP = z.regexes.datetime({ offset: true, local: false, precision: null });

/**
 * Turns one line of X's stream into an event of the shared contract. This runs once per tweet on the
 * producer's hot path, so it builds the event by construction with cheap checks (the same constraints as
 * `tweetEventSchema`, which a test holds it to) instead of a schema validation per tweet.
 */
export function parseStreamMessage(line: string, receivedAt: string): ParsedMessage {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch (error) {
    return { kind: "dropped", reason: "malformed-json", detail: (error as Error).message };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return { kind: "dropped", reason: "not-a-tweet", detail: "the message is not a JSON object" };
  }
  const { data, includes, matching_rules: rules, errors } = message as Record<string, unknown>;
  if (data === undefined) return withoutData(errors);
  if (typeof data !== "object" || data === null) return invalid("`data` is not an object");
  const tweet = data as Record<string, unknown>;
  const { id, text, created_at: createdAt, author_id: authorId, lang } = tweet;
  if (typeof id !== "string" || !TWEET_ID.test(id)) return invalid("`data.id` is not a decimal tweet id");
  if (typeof text !== "string") return invalid("`data.text` is not a string", id);
  if (typeof createdAt !== "string" || !TIMESTAMP.test(createdAt)) {
    return invalid(
      "`data.created_at` is missing or not an ISO timestamp (request tweet.fields=created_at)",
      id,
    );
  }
  if (lang !== undefined && typeof lang !== "string") return invalid("`data.lang` is not a string", id);
  const author = findAuthor(includes, authorId);
  if (author === undefined) {
    const why = typeof authorId === "string" ? `author ${authorId} is not in includes.users` : "no author_id";
    return { kind: "dropped", reason: "author-missing", detail: why, tweetId: id };
  }
  const event: TweetEventV1 = { v: 1, id, text, createdAt, author, receivedAt };
  if (lang !== undefined) event.lang = lang;
  if (rules !== undefined) {
    const matchingRules = toMatchingRules(rules);
    if (matchingRules === undefined) return invalid("`matching_rules` is not a list of {id, tag}", id);
    event.matchingRules = matchingRules;
  }
  return { kind: "tweet", event };
}

function findAuthor(includes: unknown, authorId: unknown): TweetEvent["author"] | undefined {
  if (typeof authorId !== "string" || typeof includes !== "object" || includes === null) return undefined;
  const users = (includes as { users?: unknown }).users;
  if (!Array.isArray(users)) return undefined;
  for (const user of users as XUserLike[]) {
    if (user?.id !== authorId) continue;
    const { username, name } = user;
    if (typeof username !== "string" || username === "" || typeof name !== "string") return undefined;
    return { id: authorId, username, name };
  }
  return undefined;
}

function toMatchingRules(rules: unknown): TweetEvent["matchingRules"] {
  if (!Array.isArray(rules)) return undefined;
  const out: NonNullable<TweetEvent["matchingRules"]> = [];
  for (const rule of rules as { id?: unknown; tag?: unknown }[]) {
    // X sends rule ids as strings; older payloads had numbers.
    const id = typeof rule?.id === "number" ? String(rule.id) : rule?.id;
    if (typeof id !== "string" || id === "") return undefined;
    if (rule.tag !== undefined && typeof rule.tag !== "string") return undefined;
    out.push(rule.tag === undefined ? { id } : { id, tag: rule.tag });
  }
  return out;
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

function invalid(detail: string, tweetId?: string): ParsedMessage {
  return tweetId === undefined
    ? { kind: "dropped", reason: "invalid-tweet", detail }
    : { kind: "dropped", reason: "invalid-tweet", detail, tweetId };
}
