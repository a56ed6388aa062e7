import { describe, expect, it } from "vitest";
import {
  DEFAULT_X_FIELDS,
  parseXFieldList,
  parseXFieldSelection,
  X_DOCUMENTED_FIELDS,
  X_FIELD_PARAMS,
  XFieldError,
  type XFieldParam,
  xFieldsQuery,
} from "../x-fields.js";

const params = Object.keys(X_FIELD_PARAMS) as XFieldParam[];

describe("the requested X fields", () => {
  it("defaults ask for everything the issue lists, and only documented values", () => {
    expect(DEFAULT_X_FIELDS["tweet.fields"]).toEqual(
      expect.arrayContaining(
        "created_at,author_id,lang,note_tweet,entities,referenced_tweets,conversation_id,in_reply_to_user_id,edit_history_tweet_ids,attachments,public_metrics,possibly_sensitive,reply_settings,geo".split(
          ",",
        ),
      ),
    );
    expect(DEFAULT_X_FIELDS.expansions).toEqual(
      expect.arrayContaining(
        "author_id,referenced_tweets.id,referenced_tweets.id.author_id,entities.mentions.username,attachments.media_keys,geo.place_id".split(
          ",",
        ),
      ),
    );
    for (const param of params) {
      expect(DEFAULT_X_FIELDS[param].length, param).toBeGreaterThan(0);
      for (const value of DEFAULT_X_FIELDS[param]) expect(X_DOCUMENTED_FIELDS[param], param).toContain(value);
    }
  });

  it("an environment variable replaces its parameter's default, trimmed and without repeats", () => {
    const selection = parseXFieldSelection({ X_TWEET_FIELDS: " lang , created_at,lang", X_POLL_FIELDS: "" });
    expect(selection["tweet.fields"]).toEqual(["lang", "created_at"]);
    expect(selection["poll.fields"]).toEqual(DEFAULT_X_FIELDS["poll.fields"]);
    expect(selection.expansions).toEqual(DEFAULT_X_FIELDS.expansions);
  });

  it("a bad value fails with one line naming the variable and the value", () => {
    expect(() => parseXFieldSelection({ X_EXPANSIONS: "author_id,authors" })).toThrow(
      'X_EXPANSIONS: "authors" not a documented value',
    );
    try {
      parseXFieldList("media.fields", "url,colour");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(XFieldError);
      expect((err as XFieldError).badValues).toEqual(["colour"]);
      expect((err as Error).message).not.toContain("\n");
    }
  });

  it("builds the query X expects: comma-joined lists under the parameter names", () => {
    const query = xFieldsQuery(DEFAULT_X_FIELDS);
    expect(Object.keys(query).sort()).toEqual([...params].sort());
    expect(query["tweet.fields"]?.split(",")).toEqual(DEFAULT_X_FIELDS["tweet.fields"]);
    expect(xFieldsQuery({ ...DEFAULT_X_FIELDS, "poll.fields": [] })).not.toHaveProperty("poll.fields");
  });
});
