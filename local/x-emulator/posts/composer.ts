import { EMOJI, HASHTAGS, type LanguageCorpus } from "./corpus.js";
import type { Random } from "./prng.js";
import { codePointLength, MAX_LONG_POST_CODE_POINTS, MAX_WEIGHTED_LENGTH, weightedLength } from "./text.js";
import type { XUser } from "./x-types.js";

// Put where X cuts a long post's `text`: a ZWJ emoji sequence, a flag and 4-byte CJK, so a reader that cuts
// by UTF-16 unit, code point or byte, or trusts `text` to be whole, shows it.
const ACROSS_THE_CUT = ["👩‍💻", "🇯🇵", "𠮷野家", "東京🍜", "👨‍👩‍👧‍👦"];

/** A post's text up to X's 280 weighted characters. */
export function composeText(random: Random, corpus: LanguageCorpus, authors: readonly XUser[]): string {
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

/**
 * A long post: over 280 weighted characters, up to 4,000 code points (one in ten reaches the limit), with
 * emoji and CJK straddling the 280th weighted character.
 */
export function composeLongText(random: Random, corpus: LanguageCorpus, authors: readonly XUser[]): string {
  const target = random.chance(0.1) ? MAX_LONG_POST_CODE_POINTS : random.int(320, MAX_LONG_POST_CODE_POINTS);
  let text = "";
  while (weightedLength(text) < MAX_WEIGHTED_LENGTH - 6) {
    text = text === "" ? random.pick(corpus.phrases) : text + corpus.separator + random.pick(corpus.phrases);
  }
  // Back off to just under the cut, then straddle it.
  while (weightedLength(text) > MAX_WEIGHTED_LENGTH - 3) text = [...text].slice(0, -1).join("");
  text += random.pick(ACROSS_THE_CUT) + random.pick(ACROSS_THE_CUT);
  let length = codePointLength(text);
  while (length < target) {
    const piece = corpus.separator + nextPiece(random, corpus, authors);
    text += piece;
    length += codePointLength(piece);
  }
  return length === target ? text : [...text].slice(0, target).join("");
}

function nextPiece(random: Random, corpus: LanguageCorpus, authors: readonly XUser[]): string {
  const roll = random.next();
  if (roll < 0.6) return random.pick(corpus.phrases);
  if (roll < 0.8) return random.pick(EMOJI);
  if (roll < 0.88) return random.pick(HASHTAGS);
  if (roll < 0.95) return `@${random.pick(authors).username}`;
  return `https://t.co/${alphanumeric(random, 10)}`;
}

export function alphanumeric(random: Random, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}
