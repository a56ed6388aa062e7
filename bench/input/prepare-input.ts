import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeEvent } from "../../events/index.js";
import type { EncodedTweet } from "../processor/lambda-batches.js";
import { writeTweets } from "../processor/lambda-batches.js";
import { createStreamParser } from "../producer/stream-parsing.js";
import { renderStream } from "./x-wire.js";

export interface PreparedInput {
  wireFile: string;
  tweetsFile: string;
  stats: {
    distinctTweets: number;
    averageWireBytesPerTweet: number;
    averageEventBytesPerTweet: number;
    nonAsciiTweetShare: number;
  };
}

/**
 * Renders the generator's tweets once as X stream bytes (for the producer runs) and, through the production
 * stream parser, as encoded events with their partition keys (for the processor runs).
 */
export function prepareInput(workDir: string, distinctTweets: number): PreparedInput {
  const wire = renderStream(distinctTweets);
  const wireFile = join(workDir, "x-stream.bin");
  writeFileSync(wireFile, wire);
  const tweets: EncodedTweet[] = [];
  let nonAscii = 0;
  createStreamParser((event) => {
    if (Buffer.byteLength(event.text) !== event.text.length) nonAscii++;
    tweets.push({ data: encodeEvent(event), partitionKey: event.id });
  }).push(wire, Date.now());
  if (tweets.length !== distinctTweets) {
    throw new Error(`the stream parser read ${tweets.length} of ${distinctTweets} rendered tweets`);
  }
  const tweetsFile = join(workDir, "tweets.json");
  writeTweets(tweetsFile, tweets);
  return {
    wireFile,
    tweetsFile,
    stats: {
      distinctTweets,
      averageWireBytesPerTweet: wire.length / distinctTweets,
      averageEventBytesPerTweet: tweets.reduce((sum, t) => sum + t.data.length, 0) / distinctTweets,
      nonAsciiTweetShare: nonAscii / distinctTweets,
    },
  };
}
