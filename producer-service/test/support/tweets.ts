import type { TweetEvent, TweetEventV1 } from "../../../events/index.js";

// Texts mixing ASCII, accents, CJK, emoji (surrogate pairs, ZWJ sequences) and JSON-escaped characters,
// so that "byte-identical" means something.
const TEXTS = [
  "plain ascii tweet",
  "café déjà vu — naïve façade",
  "東京の天気は晴れです 🌞",
  "family: 👨‍👩‍👧‍👦 flags: 🇯🇵🇫🇷",
  'quotes " and \\ backslash, tab\tnewline\nend',
  "Ελληνικά και العربية и русский",
];

/** A valid event of the shared contract; `i` makes it unique and picks its text and author. */
export function tweetEvent(i: number, overrides: Partial<TweetEventV1> = {}): TweetEventV1 {
  const author = i % 37;
  return {
    v: 1,
    id: String(1_800_000_000_000_000_000n + BigInt(i)),
    text: `${TEXTS[i % TEXTS.length]} #${i}`,
    createdAt: "2025-01-02T03:04:05.000Z",
    author: { id: String(10_000 + author), username: `user${author}`, name: `User ${author} 🐦` },
    lang: "en",
    matchingRules: [{ id: "1", tag: "test" }],
    receivedAt: "2025-01-02T03:04:05.100Z",
    ...overrides,
  };
}

export function tweetEvents(count: number, from = 0): TweetEvent[] {
  return Array.from({ length: count }, (_, k) => tweetEvent(from + k));
}
