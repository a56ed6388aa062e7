import * as z from "zod";

/** Version of the envelope this code writes. Readers accept exactly the versions they understand. */
export const EVENT_VERSION = 1 as const;

const isoTimestamp = z.iso.datetime({ offset: true });

/**
 * One record on the stream is one tweet. Objects are "loose": unknown fields are kept, not rejected,
 * so a newer producer can add fields without breaking an older processor.
 */
export const tweetEventSchema = z.looseObject({
  v: z.literal(EVENT_VERSION),
  /** X tweet ids are 64-bit integers: kept as decimal strings, never numbers. */
  id: z.string().regex(/^[0-9]{1,20}$/, "expected a decimal tweet id"),
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
});

export type TweetEvent = z.infer<typeof tweetEventSchema>;
