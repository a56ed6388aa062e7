import type { TweetEvent } from "../../events/index.js";
import { LineSplitter } from "../../producer-service/x-stream/line-splitter.js";
import { parseStreamMessage } from "../../producer-service/x-stream/message-parser.js";

export interface StreamParser {
  /** Parses one network read received at `receivedAtMs`; calls `emit` for each tweet it completes. */
  push(chunk: Buffer, receivedAtMs: number): void;
}

/**
 * The producer's own framing and mapping (LineSplitter, parseStreamMessage), for the variants that do not
 * run the producer's whole stream reader: the seed design and the input preparation. The bench's input is
 * valid, so a dropped line is a bench bug and fails loudly.
 */
export function createStreamParser(emit: (event: TweetEvent) => void): StreamParser {
  let receivedAt = "";
  const splitter = new LineSplitter({
    keepAlive: () => undefined,
    dropped: (reason, bytes) => {
      throw new Error(`the producer's line splitter dropped a ${bytes}-byte line of bench input: ${reason}`);
    },
    line: (text) => {
      const parsed = parseStreamMessage(text, receivedAt);
      if (parsed.kind !== "tweet")
        throw new Error(`bench input line not read as a tweet: ${JSON.stringify(parsed)}`);
      emit(parsed.event);
    },
  });
  return {
    push(chunk, receivedAtMs) {
      // As the producer's stream reader does: one receive time per network read.
      receivedAt = new Date(receivedAtMs).toISOString();
      splitter.push(chunk);
    },
  };
}
