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

/** Entity positions are code-point offsets into the text they belong to, `end` exclusive, as X sends them. */
export interface XEntities {
  hashtags?: { start: number; end: number; tag: string }[];
  mentions?: { start: number; end: number; username: string; id: string }[];
  urls?: { start: number; end: number; url: string; expanded_url: string; display_url: string }[];
}

export interface XReference {
  type: "retweeted" | "quoted" | "replied_to";
  id: string;
}

/** A tweet with every field the emulator knows; a response carries only the requested ones. */
export interface XTweet {
  id: string;
  /** For a post over 280 characters: its first 280, the whole body being in `note_tweet.text`. */
  text: string;
  edit_history_tweet_ids: string[];
  created_at: string;
  lang: string;
  author_id: string;
  conversation_id: string;
  possibly_sensitive: boolean;
  public_metrics: XPublicMetrics;
  reply_settings?: "everyone" | "mentionedUsers" | "following";
  entities?: XEntities;
  note_tweet?: { text: string; entities?: XEntities };
  referenced_tweets?: XReference[];
  in_reply_to_user_id?: string;
  attachments?: { media_keys?: string[]; poll_ids?: string[] };
  geo?: { place_id?: string; coordinates?: { type: "Point"; coordinates: [number, number] } };
}

export interface XMedia {
  media_key: string;
  type: "photo" | "video" | "animated_gif";
  url?: string;
  preview_image_url?: string;
  width: number;
  height: number;
  alt_text?: string;
  duration_ms?: number;
}

export interface XPlace {
  id: string;
  full_name: string;
  name: string;
  country: string;
  country_code: string;
  place_type: string;
  geo: { type: "Feature"; bbox: [number, number, number, number]; properties: Record<string, never> };
}

export interface XPoll {
  id: string;
  options: { position: number; label: string; votes: number }[];
  voting_status: "open" | "closed";
  duration_minutes: number;
  end_datetime: string;
}

export interface XMatchingRule {
  id: string;
  tag?: string;
}

/** What a response carries besides the posts, by expansion. */
export interface XIncludes {
  users?: Partial<XUser>[];
  tweets?: Partial<XTweet>[];
  media?: Partial<XMedia>[];
  places?: Partial<XPlace>[];
  polls?: Partial<XPoll>[];
}

/** One message of a stream response. */
export interface XStreamMessage {
  data: Partial<XTweet> & { id: string; text: string; edit_history_tweet_ids: string[] };
  includes?: XIncludes;
  matching_rules?: XMatchingRule[];
}

/**
 * A tweet, its author and everything it refers to (the objects X would put in `includes` when asked):
 * the post it retweets, quotes or replies to, the users it mentions, its media, place and poll.
 */
export interface GeneratedTweet {
  tweet: XTweet;
  author: XUser;
  referenced?: GeneratedTweet[];
  mentioned?: XUser[];
  media?: XMedia[];
  places?: XPlace[];
  polls?: XPoll[];
}
