import { DEFAULT_X_FIELDS, xFieldsQuery } from "../../../events/x-fields.js";
import { createTweetGenerator, type PostMix } from "./generator.js";
import { parseProjection, renderPost } from "./projection.js";
import type { GeneratedTweet, XStreamMessage } from "./x-types.js";

/** Rules a rendered body pretends were set: every message names one, as a filtered stream does. */
const RULES = [
  { id: "1866350032412860416", tag: "aws" },
  { id: "1866350032412860417", tag: "streaming" },
  { id: "1866350032412860418", tag: "tokyo" },
];
const CRLF = "\r\n";

/** The producer's request (events/x-fields.ts), read by the emulator's own parser of X's query parameters. */
const PROJECTION = (() => {
  const projection = parseProjection(new URLSearchParams(xFieldsQuery(DEFAULT_X_FIELDS)));
  if ("title" in projection)
    throw new Error(`the emulator refuses the producer's fields: ${projection.detail}`);
  return projection;
})();

/**
 * One stream message exactly as X sends it for the producer's request (DEFAULT_X_FIELDS): rendered by the
 * emulator's projection, in the emulator's field order, then `\r\n`.
 */
function renderMessage(post: GeneratedTweet, index: number): string {
  const rule = RULES[index % RULES.length] as (typeof RULES)[number];
  const message: XStreamMessage = { ...renderPost(post, PROJECTION), matching_rules: [rule] };
  return JSON.stringify(message) + CRLF;
}

/**
 * `count` consecutive messages of the seeded generator, as the bytes of one stream response body, without a
 * server: the input of benchmarks and measurements. `mix` (default: plain posts, as before long posts existed)
 * picks the share of long posts, retweets, quotes...
 */
export function renderStream(count: number, seed = 1, mix?: PostMix): Buffer {
  const generator = createTweetGenerator({ seed, ...(mix ? { mix } : {}) });
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(renderMessage(generator.next(), i));
  return Buffer.from(parts.join(""), "utf8");
}
