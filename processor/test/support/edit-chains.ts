import type { TweetEventV2 } from "../../../events/index.js";
import { tweet } from "./records.js";
import { tweetV2 } from "./v2-records.js";

/** Version `version` of edited post `chain`: post chain + 50 (version + 1). Same author (n % 50), ids growing. */
export const postOf = (chain: number, version: number) => chain + 50 * (version + 1);

/** The id of version `version` of chain `chain`. */
export const versionId = (chain: number, version: number) => tweet(postOf(chain, version)).id;

/** Version `version` of chain `chain` in envelope v2, listing versions 0..version as its edit history. */
export function editVersion(chain: number, version: number): TweetEventV2 {
  return tweetV2(postOf(chain, version), {
    data: { edit_history_tweet_ids: Array.from({ length: version + 1 }, (_, k) => versionId(chain, k)) },
  });
}
