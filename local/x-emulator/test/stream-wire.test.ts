import { type IncomingMessage, request } from "node:http";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { XEmulatorOptions } from "../index.js";
import { emulatorPerTest, FILTERED_STREAM, SAMPLE_STREAM } from "./emulator-per-test.js";
import { openRawStream, waitUntil } from "./raw-client.js";

const fixture = emulatorPerTest();
const withRule = (options: XEmulatorOptions = {}) =>
  fixture.start(options, [{ value: "cats", tag: "felines" }]);

describe("stream wire format", () => {
  it("sends each tweet as one JSON object terminated by \\r\\n, with the requested fields, author and rule", async () => {
    const emulator = await withRule();
    const published = emulator.publish(5);
    const stream = await fixture.open(FILTERED_STREAM);
    await waitUntil(() => stream.lines().length >= 5);

    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("application/json; charset=utf-8");
    const messages = stream.lines().map((line) => JSON.parse(line));
    const [rule] = emulator.rules();
    messages.forEach((message, i) => {
      const { tweet, author } = published[i] as (typeof published)[number];
      expect(message).toEqual({
        data: {
          id: tweet.id,
          text: tweet.text,
          created_at: tweet.created_at,
          lang: tweet.lang,
          author_id: author.id,
          edit_history_tweet_ids: [tweet.id],
        },
        includes: { users: [{ id: author.id, name: author.name, username: author.username }] },
        matching_rules: [{ id: rule?.id, tag: "felines" }],
      });
    });
    expect(emulator.sent.map((s) => s.id)).toEqual(published.map((p) => p.tweet.id));
    expect(emulator.sent[0]?.connection).toBe(1);
  });

  it("sends only id, text and edit history without tweet.fields, and no includes without the expansion", async () => {
    const emulator = await withRule();
    emulator.publish(1);
    const stream = await fixture.open("/2/tweets/search/stream");
    await waitUntil(() => stream.lines().length >= 1);
    const message = JSON.parse(stream.lines()[0] as string);
    expect(Object.keys(message.data).sort()).toEqual(["edit_history_tweet_ids", "id", "text"]);
    expect(message.includes).toBeUndefined();
  });

  it("holds tweets on the filtered stream until a rule exists, as X delivers nothing without rules", async () => {
    const emulator = await fixture.start();
    emulator.publish(2);
    const stream = await fixture.open(FILTERED_STREAM);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stream.chunks).toHaveLength(0);
    expect(emulator.queued).toBe(2);
  });

  it("serves the sample stream without matching_rules", async () => {
    const emulator = await fixture.start();
    emulator.publish(3);
    const stream = await fixture.open(SAMPLE_STREAM);
    await waitUntil(() => stream.lines().length >= 3);
    for (const line of stream.lines()) expect(JSON.parse(line).matching_rules).toBeUndefined();
  });

  it("sends \\r\\n keep-alives at the configured interval", async () => {
    await withRule({ keepAliveMs: 20 });
    const stream = await fixture.open(FILTERED_STREAM);
    await waitUntil(() => stream.lines().length >= 3);
    expect(stream.lines().slice(0, 3)).toEqual(["", "", ""]);
  });

  it("gzips the stream for a client that accepts it (option gzip), flushing each write", async () => {
    const emulator = await withRule({ gzip: true, keepAliveMs: 20 });
    emulator.publish(3);
    const chunks: Buffer[] = [];
    const req = request(`${emulator.url}${FILTERED_STREAM}`, {
      headers: { authorization: `Bearer ${emulator.bearerToken}`, "accept-encoding": "gzip" },
    });
    const response = await new Promise<IncomingMessage>((resolve) => req.on("response", resolve).end());
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    const text = () => gunzipSync(Buffer.concat(chunks), { finishFlush: 2 /* Z_SYNC_FLUSH */ }).toString();
    await waitUntil(() => chunks.length > 0 && text().split("\r\n").length > 5);
    req.destroy();
    expect(response.headers["content-encoding"]).toBe("gzip");
    const lines = text().split("\r\n");
    expect(lines.slice(0, 3).map((line) => JSON.parse(line).data.id)).toEqual(emulator.sent.map((s) => s.id));
    expect(lines[3]).toBe("");
  });

  it("answers a wrong bearer token with 401 in X's problem format", async () => {
    const emulator = await fixture.start();
    const stream = await openRawStream(emulator.url, FILTERED_STREAM, "wrong-token");
    await stream.finished;
    expect(stream.status).toBe(401);
    expect(JSON.parse(stream.bytes().toString())).toEqual({
      title: "Unauthorized",
      type: "about:blank",
      status: 401,
      detail: "Unauthorized",
    });
  });

  it("refuses an unknown tweet field with 400 invalid-request naming it", async () => {
    await fixture.start();
    const stream = await fixture.open("/2/tweets/search/stream?tweet.fields=lang,mood");
    await stream.finished;
    const body = JSON.parse(stream.bytes().toString());
    expect(stream.status).toBe(400);
    expect(body.type).toBe("https://api.twitter.com/2/problems/invalid-request");
    expect(body.errors[0].message).toContain("[mood]");
  });

  it("exchanges key and secret for the bearer token at /oauth2/token, and refuses wrong ones", async () => {
    const emulator = await fixture.start({ apiKey: "k", apiSecret: "s", bearerToken: "B" });
    const token = (key: string) =>
      fetch(`${emulator.url}/oauth2/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${key}:s`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
    const ok = await token("k");
    expect(await ok.json()).toEqual({ token_type: "bearer", access_token: "B" });
    const refused = await token("other");
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { errors: { code: number }[] };
    expect(body.errors[0]?.code).toBe(99);
  });

  it("allows one stream connection at a time, as X does, answering another with 429 TooManyConnections", async () => {
    await withRule();
    await fixture.open(FILTERED_STREAM);
    const second = await fixture.open(FILTERED_STREAM);
    await second.finished;
    expect(second.status).toBe(429);
    expect(JSON.parse(second.bytes().toString()).connection_issue).toBe("TooManyConnections");
  });

  it("keeps no secret in its request log", async () => {
    const emulator = await withRule();
    await fixture.open(FILTERED_STREAM);
    await emulator.waitForConnections(1);
    expect(JSON.stringify(emulator.requests)).not.toContain(emulator.bearerToken);
    expect(emulator.requests.at(-1)?.query).toEqual({
      "tweet.fields": "created_at,lang,author_id",
      expansions: "author_id",
    });
  });
});
