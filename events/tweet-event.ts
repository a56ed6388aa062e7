import * as z from "zod";

/**
 * Version of the envelope this code writes. Readers accept every version they understand (1 and 2), so the
 * processor is deployed first and the producer after it (infra/README.md, "Upgrading").
 */
export const EVENT_VERSION = 2 as const;

const isoTimestamp = z.iso.datetime({ offset: true });
/** X post ids are 64-bit integers: kept as decimal strings, never numbers. */
const postId = z.string().regex(/^[0-9]{1,20}$/, "expected a decimal tweet id");

// Objects are "loose": unknown fields are kept, not rejected, so a newer producer can add fields without breaking
// an older processor.
const envelopeV1Fields = {
  id: postId,
  /** v1: the stream's `text` (cut at 280 for long posts). v2: the full text (see events/x-post.ts, fullText). */
  text: z.string(),
  createdAt: isoTimestamp,
  author: z.looseObject({
    id: z.string().min(1),
    username: z.string().min(1),
    name: z.string(),
  }),
  lang: z.string().optional(),
  matchingRules: z.array(z.looseObject({ id: z.string().min(1), tag: z.string().optional() })).optional(),
  receivedAt: isoTimestamp,
};

export const tweetEventV1Schema = z.looseObject({ v: z.literal(1), ...envelopeV1Fields });

const includeObjects = z.array(z.looseObject({})).optional();

export const tweetEventV2Schema = z.looseObject({
  v: z.literal(2),
  ...envelopeV1Fields,
  /** X's post object exactly as received (every requested field), for any consumer. */
  data: z.looseObject({ id: postId, text: z.string() }),
  /** Only the include objects this post references (its author, referenced posts and their authors, ...). */
  includes: z
    .looseObject({
      users: includeObjects,
      tweets: includeObjects,
      media: includeObjects,
      places: includeObjects,
      polls: includeObjects,
    })
    .optional(),
  /** Set when the includes were left out to keep the record under Kinesis' 1 MiB (the post itself never is). */
  includesDropped: z.literal(true).optional(),
  /** Set when the post was fetched after a disconnect (search/recent or backfill), not read live. */
  recovered: z.literal(true).optional(),
});

export const tweetEventSchema = z.discriminatedUnion("v", [tweetEventV1Schema, tweetEventV2Schema]);

export type TweetEventV1 = z.infer<typeof tweetEventV1Schema>;
export type TweetEventV2 = z.infer<typeof tweetEventV2Schema>;
/** One record on the stream is one post, in any envelope version a reader understands. */
export type TweetEvent = TweetEventV1 | TweetEventV2;
