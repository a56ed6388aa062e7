import { encodeEvent, type TweetEventV2 } from "../../events/index.js";
import { RICH_MIX } from "../../local/x-emulator/index.js";
import { renderStream } from "../input/x-wire.js";
import { createStreamParser } from "../producer/stream-parsing.js";

/** One post as the processor receives it: the parsed envelope and the record's bytes (its `Raw`). */
export interface CorpusPost {
  event: TweetEventV2;
  json: string;
}

/**
 * Posts like the whole-tweets end-to-end test's (600 of the X emulator's rich mix: a quarter long, retweets of
 * long posts, quotes, replies, media, polls, places), rendered in X's wire format for the producer's default
 * fields and turned into envelopes by the producer's own parser, as they reach the processor.
 */
export function richCorpus(count = 600, seed = 1): CorpusPost[] {
  const posts: CorpusPost[] = [];
  createStreamParser((event) => {
    if (event.v !== 2) throw new Error("the producer wrote a v1 envelope");
    posts.push({ event, json: encodeEvent(event).toString("utf8") });
  }).push(renderStream(count, seed, RICH_MIX), Date.parse("2026-12-01T00:00:00Z"));
  return posts;
}
