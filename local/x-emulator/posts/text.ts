import type { XEntities, XUser } from "./x-types.js";

/** X's limit for a post's `text`; a longer post carries its whole body in `note_tweet.text`. */
export const MAX_WEIGHTED_LENGTH = 280;
/** The longest post the emulator writes, in code points (X allows long posts to Premium authors). */
export const MAX_LONG_POST_CODE_POINTS = 4000;

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** X's weighted length, simplified: code points above U+10FF (CJK, emoji, ...) count 2. */
export function weightedLength(text: string): number {
  let length = 0;
  for (const ch of text) length += (ch.codePointAt(0) ?? 0) > 0x10ff ? 2 : 1;
  return length;
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/**
 * The longest prefix of `text` within `max` weighted characters, cut between grapheme clusters so that no
 * emoji sequence, flag or surrogate pair is split: the `text` X sends for a long post.
 */
export function truncateWeighted(text: string, max = MAX_WEIGHTED_LENGTH): string {
  let out = "";
  let weight = 0;
  for (const { segment } of segmenter.segment(text)) {
    const next = weight + weightedLength(segment);
    if (next > max) break;
    out += segment;
    weight = next;
  }
  return out;
}

/** `text` of a long post: cut within 280 weighted characters, and before a link the cut would break. */
export function textOfLongPost(body: string): string {
  const cut = truncateWeighted(body);
  for (const m of body.matchAll(TCO)) {
    if (m.index < cut.length && m.index + m[0].length > cut.length) return cut.slice(0, m.index);
  }
  return cut;
}

const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
const MENTION = /@([A-Za-z0-9_]{1,15})/g;
const TCO = /https:\/\/t\.co\/[A-Za-z0-9]+/g;

/** Where a t.co link leads when nothing else says so (the generator's links point at no real page). */
export function defaultExpansion(tco: string): string {
  return `https://tweetstream.example/a/${tco.slice("https://t.co/".length)}`;
}

/**
 * The entities X reports for a text: hashtags, mentions of known users (X reports only users that exist)
 * and t.co links with their expanded URL; offsets in code points, `end` exclusive. Undefined when none.
 */
export function entitiesOf(
  text: string,
  users: readonly XUser[],
  expansions: ReadonlyMap<string, string> = new Map(),
): XEntities | undefined {
  const at = (utf16Index: number) => codePointLength(text.slice(0, utf16Index));
  const span = (m: RegExpMatchArray) => {
    const start = at(m.index ?? 0);
    return { start, end: start + codePointLength(m[0]) };
  };
  const hashtags = [...text.matchAll(HASHTAG)].map((m) => ({ ...span(m), tag: m[1] as string }));
  const mentions = [...text.matchAll(MENTION)].flatMap((m) => {
    const user = users.find((u) => u.username === m[1]);
    return user ? [{ ...span(m), username: user.username, id: user.id }] : [];
  });
  const urls = [...text.matchAll(TCO)].map((m) => {
    const expanded = expansions.get(m[0]) ?? defaultExpansion(m[0]);
    const display = expanded.replace(/^https?:\/\//, "");
    const shown = display.length > 26 ? `${display.slice(0, 25)}…` : display;
    return { ...span(m), url: m[0], expanded_url: expanded, display_url: shown };
  });
  const entities: XEntities = {};
  if (hashtags.length > 0) entities.hashtags = hashtags;
  if (mentions.length > 0) entities.mentions = mentions;
  if (urls.length > 0) entities.urls = urls;
  return Object.keys(entities).length > 0 ? entities : undefined;
}
