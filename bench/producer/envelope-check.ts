// What checking each post against the contract's schema costs on the producer's hot path, against the whole
// per-post work of reading it (JSON.parse, building the v2 envelope, the check): a hand-written fast path
// (checks repeated by hand instead of the schema) could save at most the schema's share. Also the record
// sizes of envelope v1 (the stream's text cut at 280, seven fields) and v2 over the same posts (RICH_MIX: a
// quarter long, retweets, quotes, replies, media, polls, places). Run: npx tsx bench/producer/envelope-check.ts [posts]
import { encodeEvent, type TweetEventV2, tweetEventV2Schema } from "../../events/index.js";
import { RICH_MIX } from "../../local/x-emulator/index.js";
import { ENVELOPE_FIELDS_SCHEMA } from "../../producer-service/x-stream/envelope.js";
import { parseStreamMessage } from "../../producer-service/x-stream/message-parser.js";
import { renderStream } from "../input/x-wire.js";

const posts = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;
const lines = renderStream(posts, 1, RICH_MIX).toString("utf8").split("\r\n").slice(0, -1);
const receivedAt = new Date().toISOString();

function timeNsPerPost(work: () => void): number {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    work();
    samples.push(Number(process.hrtime.bigint() - start) / lines.length);
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? 0;
}

const events = lines.map((line) => {
  const parsed = parseStreamMessage(line, receivedAt);
  if (parsed.kind !== "tweet") throw new Error(`bench input not read as a post: ${JSON.stringify(parsed)}`);
  return parsed.event;
});
const whole = timeNsPerPost(() => {
  for (const line of lines) parseStreamMessage(line, receivedAt);
});
const schemaOnly = timeNsPerPost(() => {
  for (const event of events) tweetEventV2Schema.safeParse(event);
});
const envelopeFieldsOnly = timeNsPerPost(() => {
  for (const event of events) ENVELOPE_FIELDS_SCHEMA.safeParse(event);
});
const jsonParse = timeNsPerPost(() => {
  for (const line of lines) JSON.parse(line);
});
/** What the v1 producer wrote for the same post: its seven fields, `text` as the stream sent it. */
const v1Of = ({ id, data, createdAt, author, lang, matchingRules, receivedAt }: TweetEventV2) => ({
  v: 1 as const,
  id,
  text: data.text,
  createdAt,
  author,
  ...(lang === undefined ? {} : { lang }),
  ...(matchingRules === undefined ? {} : { matchingRules }),
  receivedAt,
});
const sizes = (encode: (event: TweetEventV2) => number) => {
  const all = events.map(encode).sort((a, b) => a - b);
  return { median: all[Math.floor(all.length / 2)], largest: all.at(-1) };
};
const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0) / lines.length;
console.log(
  JSON.stringify({
    posts: lines.length,
    meanLineBytes: Math.round(bytes),
    parseAndBuildNsPerPost: Math.round(whole),
    jsonParseNsPerPost: Math.round(jsonParse),
    // The whole v2 schema, and the envelope's own fields only (what the producer checks).
    fullSchemaNsPerPost: Math.round(schemaOnly),
    envelopeFieldsSchemaNsPerPost: Math.round(envelopeFieldsOnly),
    envelopeFieldsShareOfParseAndBuild: Number((envelopeFieldsOnly / whole).toFixed(3)),
    recordBytesV1: sizes((event) => encodeEvent(v1Of(event)).length),
    recordBytesV2: sizes((event) => encodeEvent(event).length),
  }),
);
