import { createRandom, type Random } from "./prng.js";
import { CORPORA, DISPLAY_NAMES, EMOJI, HASHTAGS, type LanguageCorpus } from "./tweet-corpus.js";
import type { GeneratedTweet, XTweet, XUser } from "./x-types.js";

export interface TweetGeneratorOptions {
  /** Same seed, same tweets (texts, authors, ids and timestamps). Default 1. */
  seed?: number;
  /** `created_at` of the first tweet; later tweets move forward from it. Default 2025-01-01T00:00:00Z. */
  startTimeMs?: number;
  /** Size of the author pool. Default 40. */
  authors?: number;
}

export interface TweetGenerator {
  next(): GeneratedTweet;
  readonly authors: readonly XUser[];
}

/** X's epoch for snowflake ids (2010-11-04T01:42:54.657Z). */
const TWITTER_EPOCH_MS = 1288834974657n;
const MAX_WEIGHTED_LENGTH = 280;
// Language mix, roughly as on X: English most, then Japanese and Spanish, then a long tail.
const LANGUAGE_WEIGHTS: Record<string, number> = {
  en: 30,
  ja: 15,
  es: 10,
  ar: 8,
  hi: 7,
  zh: 6,
  ko: 5,
  pt: 6,
};
const USERNAME_STEMS = ["dev", "stream", "kaze", "luna", "data", "sora", "nube", "ops", "miko", "rio", "zed"];

/**
 * Deterministic synthetic tweets: ids are snowflakes (timestamp << 22 | sequence), so they increase
 * monotonically as 64-bit decimal strings, like X's; texts mix languages, emoji and escapes and reach the
 * 280 weighted-character limit (CJK and emoji count double, as X counts them).
 */
export function createTweetGenerator(options: TweetGeneratorOptions = {}): TweetGenerator {
  const random = createRandom(options.seed ?? 1);
  const authors = createAuthors(random, options.authors ?? 40);
  const corpora = weightedCorpora();
  let clockMs = BigInt(options.startTimeMs ?? Date.UTC(2025, 0, 1));
  let lastMs = -1n;
  let sequence = 0n;

  const nextId = (): { id: string; createdAt: string } => {
    clockMs += BigInt(random.int(0, 40));
    sequence = clockMs === lastMs ? sequence + 1n : BigInt(random.int(0, 15));
    lastMs = clockMs;
    const id = ((clockMs - TWITTER_EPOCH_MS) << 22n) | (1n << 12n) | (sequence & 0xfffn);
    return { id: id.toString(), createdAt: new Date(Number(clockMs)).toISOString() };
  };

  return {
    authors,
    next() {
      const author = random.pick(authors);
      const corpus = random.pick(corpora);
      const { id, createdAt } = nextId();
      const tweet: XTweet = {
        id,
        text: composeText(random, corpus, authors),
        edit_history_tweet_ids: [id],
        created_at: createdAt,
        lang: corpus.lang,
        author_id: author.id,
        conversation_id: id,
        possibly_sensitive: random.chance(0.02),
        public_metrics: {
          retweet_count: random.int(0, 500),
          reply_count: random.int(0, 80),
          like_count: random.int(0, 5000),
          quote_count: random.int(0, 40),
        },
      };
      return { tweet, author };
    },
  };
}

/** X's weighted length, simplified: code points above U+10FF (CJK, emoji, ...) count 2. */
export function weightedLength(text: string): number {
  let length = 0;
  for (const ch of text) length += (ch.codePointAt(0) ?? 0) > 0x10ff ? 2 : 1;
  return length;
}

function composeText(random: Random, corpus: LanguageCorpus, authors: readonly XUser[]): string {
  const roll = random.next();
  const target = roll < 0.25 ? random.int(10, 80) : roll < 0.6 ? random.int(80, 200) : random.int(200, 280);
  let text = "";
  let weight = 0;
  for (let attempt = 0; attempt < 40 && weight < target; attempt++) {
    const piece = nextPiece(random, corpus, authors);
    const joined = text === "" ? piece : text + corpus.separator + piece;
    const joinedWeight = weightedLength(joined);
    if (joinedWeight > MAX_WEIGHTED_LENGTH) continue;
    text = joined;
    weight = joinedWeight;
  }
  return text === "" ? (corpus.phrases[0] ?? "hello") : text;
}

function nextPiece(random: Random, corpus: LanguageCorpus, authors: readonly XUser[]): string {
  const roll = random.next();
  if (roll < 0.6) return random.pick(corpus.phrases);
  if (roll < 0.8) return random.pick(EMOJI);
  if (roll < 0.88) return random.pick(HASHTAGS);
  if (roll < 0.95) return `@${random.pick(authors).username}`;
  return `https://t.co/${alphanumeric(random, 10)}`;
}

function createAuthors(random: Random, count: number): XUser[] {
  const authors: XUser[] = [];
  const usernames = new Set<string>();
  while (authors.length < count) {
    const username = `${random.pick(USERNAME_STEMS)}_${random.int(0, 99_999)}`;
    if (usernames.has(username)) continue;
    usernames.add(username);
    authors.push({
      id: String(random.int(10_000, 2 ** 31)) + String(random.int(1e8, 1e9 - 1)),
      name: random.pick(DISPLAY_NAMES),
      username,
    });
  }
  return authors;
}

function weightedCorpora(): LanguageCorpus[] {
  const list: LanguageCorpus[] = [];
  for (const corpus of CORPORA) {
    const weight = LANGUAGE_WEIGHTS[corpus.lang] ?? 3;
    for (let i = 0; i < weight; i++) list.push(corpus);
  }
  return list;
}

function alphanumeric(random: Random, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}
