import { composeLongText, composeText } from "./composer.js";
import { CORPORA, DISPLAY_NAMES, type LanguageCorpus } from "./corpus.js";
import { quoteOf, replyTo, retweetOf, withBody, withMedia, withPlace, withPoll } from "./kinds.js";
import { createRandom, type Random } from "./prng.js";
import type { GeneratedTweet, XTweet, XUser } from "./x-types.js";

export { weightedLength } from "./text.js";

/** The share (0 to 1) of each kind of post; the rest are plain posts of up to 280 characters. */
export interface PostMix {
  /** Posts over 280 weighted characters (up to 4,000 code points): `text` cut, the whole in `note_tweet`. */
  long: number;
  /** Retweets of a recent post, long ones preferred. */
  retweet: number;
  quote: number;
  reply: number;
  /** Of the posts that are not retweets: with photos, a poll, a place. */
  media: number;
  poll: number;
  place: number;
}

/** Plain posts only, as the generator made before long posts and references existed. */
export const PLAIN_MIX: PostMix = { long: 0, retweet: 0, quote: 0, reply: 0, media: 0, poll: 0, place: 0 };
/** What `npm start` and the whole-tweets end-to-end test publish: a quarter long, a third referencing another. */
export const RICH_MIX: PostMix = {
  long: 0.25,
  retweet: 0.12,
  quote: 0.1,
  reply: 0.12,
  media: 0.1,
  poll: 0.03,
  place: 0.05,
};

export interface TweetGeneratorOptions {
  /** Same seed, same tweets (texts, authors, ids and timestamps). Default 1. */
  seed?: number;
  /** `created_at` of the first tweet; later tweets move forward from it. Default 2025-01-01T00:00:00Z. */
  startTimeMs?: number;
  /** Size of the author pool. Default 40. */
  authors?: number;
  /** Default PLAIN_MIX. */
  mix?: Partial<PostMix>;
  /** When set, posts are created at this clock's time (never earlier than the previous post), as on X, so
   * `created_at` and the snowflake id say when the post was published; ids then depend on timing. */
  clock?: () => number;
}

export interface TweetGenerator {
  next(): GeneratedTweet;
  readonly authors: readonly XUser[];
}

/** X's epoch for snowflake ids (2010-11-04T01:42:54.657Z). */
const TWITTER_EPOCH_MS = 1288834974657n;
const RECENT_POSTS = 64;
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
 * 280 weighted-character limit (CJK and emoji count double, as X counts them). With a `mix`, some posts are
 * long, retweets, quotes or replies, with entities, media, polls and places, in X's shapes.
 */
export function createTweetGenerator(options: TweetGeneratorOptions = {}): TweetGenerator {
  const random = createRandom(options.seed ?? 1);
  const authors = createAuthors(random, options.authors ?? 40);
  const corpora = weightedCorpora();
  const mix: PostMix = { ...PLAIN_MIX, ...options.mix };
  const plain = Object.values(mix).every((share) => share === 0);
  const recent: GeneratedTweet[] = [];
  let clockMs = BigInt(options.startTimeMs ?? Date.UTC(2025, 0, 1));
  let lastMs = -1n;
  let sequence = 0n;

  const nextId = (): { id: string; createdAt: string } => {
    if (options.clock) {
      const now = BigInt(Math.floor(options.clock()));
      clockMs = now > clockMs ? now : clockMs;
    } else clockMs += BigInt(random.int(0, 40));
    sequence = clockMs === lastMs ? sequence + 1n : BigInt(random.int(0, 15));
    if (sequence > 0xfffn) {
      // The 12-bit sequence is spent for this millisecond: move to the next, as X's id service does.
      clockMs += 1n;
      sequence = 0n;
    }
    lastMs = clockMs;
    const id = ((clockMs - TWITTER_EPOCH_MS) << 22n) | (1n << 12n) | (sequence & 0xfffn);
    return { id: id.toString(), createdAt: new Date(Number(clockMs)).toISOString() };
  };

  const shape = (post: GeneratedTweet, corpus: LanguageCorpus): GeneratedTweet => {
    const body = () =>
      random.chance(mix.long)
        ? composeLongText(random, corpus, authors)
        : composeText(random, corpus, authors);
    const roll = random.next();
    const earlier = recent.length > 0 ? pickEarlier(random, recent) : undefined;
    if (earlier && roll < mix.retweet) return retweetOf(post, earlier, authors);
    let shaped: GeneratedTweet;
    if (earlier && roll < mix.retweet + mix.quote) shaped = quoteOf(post, earlier, body(), authors, random);
    else if (earlier && roll < mix.retweet + mix.quote + mix.reply)
      shaped = replyTo(post, earlier, body(), authors);
    else shaped = withBody(post, body(), authors);
    if (random.chance(mix.media)) shaped = withMedia(shaped, random);
    if (random.chance(mix.poll)) shaped = withPoll(shaped, random);
    if (random.chance(mix.place)) shaped = withPlace(shaped, random);
    recent.push(shaped);
    if (recent.length > RECENT_POSTS) recent.shift();
    return shaped;
  };

  return {
    authors,
    next() {
      const author = random.pick(authors);
      const corpus = random.pick(corpora);
      const { id, createdAt } = nextId();
      const tweet: XTweet = {
        id,
        text: plain ? composeText(random, corpus, authors) : "",
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
      return plain ? { tweet, author } : shape({ tweet, author }, corpus);
    },
  };
}

/** An earlier post to refer to: a long one two times in three when there is one (long retweets lose most). */
function pickEarlier(random: Random, recent: readonly GeneratedTweet[]): GeneratedTweet {
  const long = recent.filter((p) => p.tweet.note_tweet !== undefined);
  return long.length > 0 && random.chance(2 / 3) ? random.pick(long) : random.pick(recent);
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
