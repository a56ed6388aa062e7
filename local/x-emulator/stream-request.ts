import type { Projection } from "./stream-connection.js";
import { invalidRequest, type XProblem } from "./x-problems.js";

// The fields X API v2 documents for the stream endpoints; a value outside them is a 400, as on X.
const TWEET_FIELDS = [
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
];
const EXPANSIONS = [
  "article.cover_media",
  "article.media_entities",
  "attachments.media_keys",
  "attachments.media_source_tweet",
  "attachments.poll_ids",
  "author_id",
  "edit_history_tweet_ids",
  "entities.mentions.username",
  "geo.place_id",
  "in_reply_to_user_id",
  "entities.note.mentions.username",
  "referenced_tweets.id",
  "referenced_tweets.id.attachments.media_keys",
  "referenced_tweets.id.author_id",
];
const USER_FIELDS = [
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
];
const LISTS: Record<string, string[]> = {
  "tweet.fields": TWEET_FIELDS,
  expansions: EXPANSIONS,
  "user.fields": USER_FIELDS,
};

/** Reads a stream request's query the way X does: comma-separated lists, unknown values refused. */
export function parseStreamQuery(query: URLSearchParams): Projection | XProblem {
  const values: Record<string, string[]> = {};
  for (const [name, allowed] of Object.entries(LISTS)) {
    const list = (query.get(name) ?? "").split(",").filter((v) => v !== "");
    const unknown = list.filter((v) => !allowed.includes(v));
    if (unknown.length > 0) {
      return invalidRequest(
        `The \`${name}\` query parameter value [${unknown.join(",")}] is not one of [${allowed.join(",")}]`,
        { [name]: [query.get(name) ?? ""] },
      );
    }
    values[name] = list;
  }
  return {
    tweetFields: new Set(values["tweet.fields"]),
    expandAuthor: values.expansions?.includes("author_id") ?? false,
    userFields: new Set(values["user.fields"]),
  };
}
