import type { TweetItem } from "./tweet-item.js";

const POST_ID = /^[0-9]{1,20}$/;

/**
 * The ids of the earlier versions of an edited post: the ids in its `EditHistoryTweetIds` below its own.
 * X gives every edit a new id, and ids grow with time, so an id below the post's own is an earlier version
 * whatever position X lists it at. A post that was never edited lists only itself and has none.
 */
export function earlierVersionIds(item: TweetItem): string[] {
  const history = item.EditHistoryTweetIds;
  if (history === undefined || history.length < 2 || !POST_ID.test(item.Id)) return [];
  const own = BigInt(item.Id);
  return [...new Set(history.filter((id) => POST_ID.test(id) && BigInt(id) < own))];
}
