import { describe, expect, it } from "vitest";
import { entitiesOf, fullText, referencedIncludes, referencesOf, wholeText } from "../x-post.js";

const LONG = `${"長い投稿 🚀 ".repeat(60)}end`;
const original = {
  id: "100",
  text: `${LONG.slice(0, 270)}…`,
  author_id: "1",
  note_tweet: { text: LONG, entities: { hashtags: [{ start: 0, end: 4, tag: "long" }] } },
  entities: { hashtags: [{ start: 0, end: 4, tag: "cut" }] },
  attachments: { media_keys: ["3_1"] },
  geo: { place_id: "p1" },
};
const retweet = {
  id: "200",
  text: `RT @ada: ${LONG.slice(0, 200)}`,
  author_id: "2",
  referenced_tweets: [{ type: "retweeted", id: "100" }],
  entities: { mentions: [{ start: 3, end: 7, username: "ada", id: "1" }] },
};
const includes = {
  users: [
    { id: "1", username: "ada", name: "Ada" },
    { id: "2", username: "bob", name: "Bob" },
    { id: "3", username: "eve", name: "Eve" },
  ],
  tweets: [original, { id: "999", text: "unrelated", author_id: "3" }],
  media: [
    { media_key: "3_1", type: "photo" },
    { media_key: "3_9", type: "photo" },
  ],
  places: [
    { id: "p1", full_name: "Here" },
    { id: "p9", full_name: "Elsewhere" },
  ],
};

describe("reading X posts", () => {
  it("takes a long post's whole text from note_tweet", () => {
    expect(wholeText(original)).toBe(LONG);
    expect(wholeText({ id: "1", text: "short" })).toBe("short");
  });

  it("rebuilds a retweet as RT @author: and the original's whole text", () => {
    expect(fullText(retweet, includes)).toBe(`RT @ada: ${LONG}`);
    // Without the author expansion, the name comes from the retweet's own prefix.
    expect(fullText(retweet, { tweets: [original] })).toBe(`RT @ada: ${LONG}`);
    // Without the original, the text stays as received.
    expect(fullText(retweet, {})).toBe(retweet.text);
  });

  it("reads entities of the whole text and references as sent", () => {
    expect(entitiesOf(original).hashtags).toEqual(["long"]);
    expect(entitiesOf(retweet).mentions).toEqual(["ada"]);
    expect(referencesOf({ referenced_tweets: [{ type: "quoted", id: "5" }, { id: 6 }] })).toEqual([
      { type: "quoted", id: "5" },
    ]);
  });

  it("selects only the includes a post references, its referenced posts' too", () => {
    const picked = referencedIncludes(retweet, includes);
    expect(picked?.users?.map((user) => user.id).sort()).toEqual(["1", "2"]);
    expect(picked?.tweets?.map((tweet) => tweet.id)).toEqual(["100"]);
    expect(picked?.media?.map((media) => media.media_key)).toEqual(["3_1"]);
    expect(picked?.places?.map((place) => place.id)).toEqual(["p1"]);
    expect(picked).not.toHaveProperty("polls");
    expect(referencedIncludes({ id: "7", text: "x" }, includes)).toBeUndefined();
  });
});
