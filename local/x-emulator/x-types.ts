/** The X API v2 objects the emulator serves, as they appear on the wire (snake_case, ids as strings). */
export interface XUser {
  id: string;
  name: string;
  username: string;
}

export interface XPublicMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
}

/** A tweet with every field the emulator knows; a stream response carries only the requested ones. */
export interface XTweet {
  id: string;
  text: string;
  edit_history_tweet_ids: string[];
  created_at: string;
  lang: string;
  author_id: string;
  conversation_id: string;
  possibly_sensitive: boolean;
  public_metrics: XPublicMetrics;
}

export interface XMatchingRule {
  id: string;
  tag?: string;
}

/** One message of a stream response. */
export interface XStreamMessage {
  data: Partial<XTweet> & { id: string; text: string; edit_history_tweet_ids: string[] };
  includes?: { users: Partial<XUser>[] };
  matching_rules?: XMatchingRule[];
}

/** A tweet and its author, as the generator produces them. */
export interface GeneratedTweet {
  tweet: XTweet;
  author: XUser;
}
