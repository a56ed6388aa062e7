import type { TweetEventV1 } from "../index.js";

export function sampleEvent(overrides: Partial<TweetEventV1> = {}): TweetEventV1 {
  return {
    v: 1,
    id: "1790000000000000001",
    text: "Streaming 🚀 ストリーム — ¿qué tal?",
    createdAt: "2026-11-25T12:00:00.000Z",
    author: { id: "42", username: "ada", name: "Ada Lovelace" },
    lang: "en",
    matchingRules: [{ id: "1", tag: "aws" }],
    receivedAt: "2026-11-25T12:00:00.120Z",
    ...overrides,
  };
}
