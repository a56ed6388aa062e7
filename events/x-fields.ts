// What the producer asks X for, in one place: the stream request, recovery's search requests, the emulator
// (which answers only what was asked, as X does), the tests, the bench and the READMEs all read this module.
// Values are X API v2's documented ones (docs.x.com "Fields" and "Expansions"); X answers 400 to any other.

/** The six field/expansion query parameters, each with the environment variable that overrides it. */
export const X_FIELD_PARAMS = {
  "tweet.fields": "X_TWEET_FIELDS",
  expansions: "X_EXPANSIONS",
  "user.fields": "X_USER_FIELDS",
  "media.fields": "X_MEDIA_FIELDS",
  "place.fields": "X_PLACE_FIELDS",
  "poll.fields": "X_POLL_FIELDS",
} as const;

export type XFieldParam = keyof typeof X_FIELD_PARAMS;
export type XFieldSelection = Readonly<Record<XFieldParam, readonly string[]>>;

export const X_DOCUMENTED_FIELDS: XFieldSelection = {
  "tweet.fields": [
    "article",
    "attachments",
    "author_id",
    "card_uri",
    "community_id",
    "context_annotations",
    "conversation_id",
    "created_at",
    "display_text_range",
    "edit_controls",
    "edit_history_tweet_ids",
    "entities",
    "geo",
    "id",
    "in_reply_to_user_id",
    "lang",
    "media_metadata",
    "non_public_metrics",
    "note_tweet",
    "organic_metrics",
    "possibly_sensitive",
    "promoted_metrics",
    "public_metrics",
    "referenced_tweets",
    "reply_settings",
    "scopes",
    "source",
    "text",
    "withheld",
  ],
  expansions: [
    "article.cover_media",
    "article.media_entities",
    "attachments.media_keys",
    "attachments.media_source_tweet",
    "attachments.poll_ids",
    "author_id",
    "edit_history_tweet_ids",
    "entities.mentions.username",
    "entities.note.mentions.username",
    "geo.place_id",
    "in_reply_to_user_id",
    "referenced_tweets.id",
    "referenced_tweets.id.attachments.media_keys",
    "referenced_tweets.id.author_id",
  ],
  "user.fields": [
    "affiliation",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "most_recent_tweet_id",
    "name",
    "parody",
    "pinned_tweet_id",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
  ],
  "media.fields": [
    "alt_text",
    "duration_ms",
    "height",
    "media_key",
    "non_public_metrics",
    "organic_metrics",
    "preview_image_url",
    "promoted_metrics",
    "public_metrics",
    "type",
    "url",
    "variants",
    "width",
  ],
  "place.fields": [
    "contained_within",
    "country",
    "country_code",
    "full_name",
    "geo",
    "id",
    "name",
    "place_type",
  ],
  "poll.fields": ["duration_minutes", "end_datetime", "id", "options", "voting_status"],
};

/**
 * The defaults: what a consumer of tweets commonly needs, and no field that needs a user context
 * (`non_public_metrics`, `organic_metrics`, `promoted_metrics`) or costs without use (`context_annotations`).
 * `note_tweet` is the whole text of a post over 280 characters; `referenced_tweets.id` with its author brings
 * the original of a retweet, so its full text can be rebuilt.
 */
export const DEFAULT_X_FIELDS: XFieldSelection = {
  "tweet.fields": [
    "created_at",
    "author_id",
    "lang",
    "note_tweet",
    "entities",
    "referenced_tweets",
    "conversation_id",
    "in_reply_to_user_id",
    "edit_history_tweet_ids",
    "attachments",
    "public_metrics",
    "possibly_sensitive",
    "reply_settings",
    "geo",
  ],
  expansions: [
    "author_id",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
    "entities.mentions.username",
    "attachments.media_keys",
    "attachments.poll_ids",
    "geo.place_id",
  ],
  "user.fields": [
    "created_at",
    "name",
    "username",
    "verified",
    "verified_type",
    "protected",
    "profile_image_url",
  ],
  "media.fields": [
    "media_key",
    "type",
    "url",
    "preview_image_url",
    "alt_text",
    "width",
    "height",
    "duration_ms",
  ],
  "place.fields": ["full_name", "id", "country", "country_code", "geo", "name", "place_type"],
  "poll.fields": ["duration_minutes", "end_datetime", "id", "options", "voting_status"],
};

/** A field list that is not X's: its message names the variable (or parameter) and every bad value. */
export class XFieldError extends Error {
  override readonly name = "XFieldError";
  constructor(
    readonly source: string,
    readonly badValues: readonly string[],
  ) {
    super(`${source}: ${badValues.map((value) => JSON.stringify(value)).join(", ")} not a documented value`);
  }
}

/** Splits and checks one comma-separated list; `source` names it in the error (an env var or a query parameter). */
export function parseXFieldList(param: XFieldParam, value: string, source: string = param): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const documented = new Set(X_DOCUMENTED_FIELDS[param]);
  const bad = items.filter((item) => !documented.has(item));
  if (bad.length > 0) throw new XFieldError(source, bad);
  return [...new Set(items)];
}

/** The selection from the environment: each variable, when set, replaces that parameter's default. */
export function parseXFieldSelection(env: Readonly<Record<string, string | undefined>>): XFieldSelection {
  const selection = { ...DEFAULT_X_FIELDS } as Record<XFieldParam, readonly string[]>;
  for (const [param, variable] of Object.entries(X_FIELD_PARAMS) as [XFieldParam, string][]) {
    const value = env[variable];
    if (value !== undefined && value.trim() !== "")
      selection[param] = parseXFieldList(param, value, variable);
  }
  return selection;
}

/** Query parameters for a request: each non-empty list comma-joined, as X expects. */
export function xFieldsQuery(selection: XFieldSelection): Record<string, string> {
  const query: Record<string, string> = {};
  for (const param of Object.keys(X_FIELD_PARAMS) as XFieldParam[]) {
    const values = selection[param];
    if (values.length > 0) query[param] = values.join(",");
  }
  return query;
}
