import { alphanumeric } from "./composer.js";
import type { Random } from "./prng.js";
import {
  codePointLength,
  entitiesOf,
  MAX_LONG_POST_CODE_POINTS,
  MAX_WEIGHTED_LENGTH,
  textOfLongPost,
  truncateWeighted,
  weightedLength,
} from "./text.js";
import type { GeneratedTweet, XMedia, XPlace, XPoll, XTweet, XUser } from "./x-types.js";

/**
 * Gives a post its body as X would: a body over 280 weighted characters is cut for `text` and kept whole in
 * `note_tweet.text`; entities are those of `text`, and the whole body's under `note_tweet.entities`.
 */
export function withBody(
  post: GeneratedTweet,
  body: string,
  users: readonly XUser[],
  expansions: ReadonlyMap<string, string> = new Map(),
): GeneratedTweet {
  const tweet: XTweet = { ...post.tweet };
  const long = weightedLength(body) > MAX_WEIGHTED_LENGTH;
  tweet.text = long ? textOfLongPost(body) : body;
  const entities = entitiesOf(tweet.text, users, expansions);
  if (entities) tweet.entities = entities;
  else delete tweet.entities;
  if (long) {
    const noteEntities = entitiesOf(body, users, expansions);
    tweet.note_tweet = noteEntities ? { text: body, entities: noteEntities } : { text: body };
  } else delete tweet.note_tweet;
  const mentioned = new Map<string, XUser>();
  for (const m of [...(entities?.mentions ?? []), ...(tweet.note_tweet?.entities?.mentions ?? [])]) {
    const user = users.find((u) => u.id === m.id);
    if (user) mentioned.set(user.id, user);
  }
  const result: GeneratedTweet = { ...post, tweet };
  if (mentioned.size > 0) result.mentioned = [...mentioned.values()];
  else delete result.mentioned;
  return result;
}

/** A retweet: "RT @author: " and the original's text, cut at 280; the original travels in includes. */
export function retweetOf(
  post: GeneratedTweet,
  original: GeneratedTweet,
  users: readonly XUser[],
): GeneratedTweet {
  const text = truncateWeighted(`RT @${original.author.username}: ${original.tweet.text}`);
  const shaped = withBody(post, text, users);
  const tweet: XTweet = {
    ...shaped.tweet,
    lang: original.tweet.lang,
    public_metrics: { ...original.tweet.public_metrics },
    referenced_tweets: [{ type: "retweeted", id: original.tweet.id }],
  };
  return { ...shaped, tweet, referenced: [original] };
}

/** A quote: the quoting post's own body and a t.co link to the quoted post. */
export function quoteOf(
  post: GeneratedTweet,
  quoted: GeneratedTweet,
  body: string,
  users: readonly XUser[],
  random: Random,
): GeneratedTweet {
  const link = `https://t.co/${alphanumeric(random, 10)}`;
  const target = `https://x.com/${quoted.author.username}/status/${quoted.tweet.id}`;
  const text = `${fitWithin(body, codePointLength(link) + 1)} ${link}`;
  const shaped = withBody(post, text, users, new Map([[link, target]]));
  const tweet: XTweet = { ...shaped.tweet, referenced_tweets: [{ type: "quoted", id: quoted.tweet.id }] };
  return { ...shaped, tweet, referenced: [quoted] };
}

/** A reply: starts with the replied-to author's handle, in that post's conversation. */
export function replyTo(
  post: GeneratedTweet,
  parent: GeneratedTweet,
  body: string,
  users: readonly XUser[],
): GeneratedTweet {
  const handle = `@${parent.author.username} `;
  const shaped = withBody(post, handle + fitWithin(body, handle.length), users);
  const tweet: XTweet = {
    ...shaped.tweet,
    conversation_id: parent.tweet.conversation_id,
    in_reply_to_user_id: parent.author.id,
    referenced_tweets: [{ type: "replied_to", id: parent.tweet.id }],
  };
  return { ...shaped, tweet, referenced: [parent] };
}

/** The body cut so that it and `reserved` more code points stay within a long post's limit. */
function fitWithin(body: string, reserved: number): string {
  const room = MAX_LONG_POST_CODE_POINTS - reserved;
  return codePointLength(body) <= room ? body : [...body].slice(0, room).join("");
}

export function withMedia(post: GeneratedTweet, random: Random): GeneratedTweet {
  const count = random.int(1, 4);
  const media: XMedia[] = Array.from({ length: count }, (_, i) => ({
    media_key: `3_${post.tweet.id.slice(0, -1)}${i}`,
    type: "photo",
    url: `https://pbs.twimg.com/media/${alphanumeric(random, 15)}.jpg`,
    width: random.pick([640, 1200, 2048]),
    height: random.pick([480, 675, 1536]),
    ...(random.chance(0.5) ? { alt_text: "a chart of shard throughput 📈" } : {}),
  }));
  const attachments = { ...post.tweet.attachments, media_keys: media.map((m) => m.media_key) };
  return { ...post, tweet: { ...post.tweet, attachments }, media };
}

export function withPoll(post: GeneratedTweet, random: Random): GeneratedTweet {
  const labels = ["Kinesis", "Kafka", "SQS", "Pub/Sub 🤔"].slice(0, random.int(2, 4));
  const duration = random.pick([60, 1440, 10080]);
  const poll: XPoll = {
    id: `${post.tweet.id.slice(0, -2)}77`,
    options: labels.map((label, i) => ({ position: i + 1, label, votes: random.int(0, 300) })),
    voting_status: "open",
    duration_minutes: duration,
    end_datetime: new Date(Date.parse(post.tweet.created_at) + duration * 60_000).toISOString(),
  };
  const attachments = { ...post.tweet.attachments, poll_ids: [poll.id] };
  return { ...post, tweet: { ...post.tweet, attachments }, polls: [poll] };
}

const PLACES: readonly XPlace[] = [
  place("01a9a39529b27f36", "Tokyo", "Tokyo-to, Japan", "Japan", "JP", [139.56, 35.52, 139.92, 35.82]),
  place("206dbc3d8e3d7b5b", "Madrid", "Madrid, España", "España", "ES", [-3.83, 40.31, -3.52, 40.56]),
  place(
    "0e3e8f6f0a1b7c9d",
    "São Paulo",
    "São Paulo, Brasil",
    "Brasil",
    "BR",
    [-46.83, -23.7, -46.36, -23.36],
  ),
];

export function withPlace(post: GeneratedTweet, random: Random): GeneratedTweet {
  const chosen = random.pick(PLACES);
  const [west, south, east, north] = chosen.geo.bbox;
  const geo: XTweet["geo"] = random.chance(0.5)
    ? {
        place_id: chosen.id,
        coordinates: { type: "Point", coordinates: [(west + east) / 2, (south + north) / 2] },
      }
    : { place_id: chosen.id };
  return { ...post, tweet: { ...post.tweet, geo }, places: [chosen] };
}

function place(
  id: string,
  name: string,
  fullName: string,
  country: string,
  countryCode: string,
  bbox: [number, number, number, number],
): XPlace {
  return {
    id,
    name,
    full_name: fullName,
    country,
    country_code: countryCode,
    place_type: "city",
    geo: { type: "Feature", bbox, properties: {} },
  };
}
