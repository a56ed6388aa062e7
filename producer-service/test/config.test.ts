import { describe, expect, it } from "vitest";
import { DEFAULT_X_FIELDS } from "../../events/index.js";
import { ConfigError, loadConfig } from "../config.js";

const SECRET = "s3cr3t-VALUE-that-must-not-leak";
const BASE = { X_BEARER_TOKEN: SECRET, KINESIS_STREAM_NAME: "tweets", AWS_REGION: "eu-west-1" };

/** The message loadConfig throws for `env`, asserting it throws a ConfigError. */
function problemWith(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    // Act
    const config = loadConfig(BASE);

    // Assess
    expect(config).toEqual({
      x: {
        baseUrl: "https://api.x.com",
        credentials: { bearerToken: SECRET },
        stream: "filtered",
        rules: undefined,
        fields: DEFAULT_X_FIELDS,
        takeOverConnection: true,
        recovery: { mode: "search", maxPosts: 10_000, maxGapMs: 3_600_000 },
      },
      kinesis: {
        target: { StreamName: "tweets" },
        region: "eu-west-1",
        endpoint: undefined,
        requestTimeoutMs: 10_000,
      },
      batch: {
        maxRecords: 500,
        maxBytes: 5 * 1024 * 1024,
        lingerMs: 100,
        maxInFlight: 4,
        bufferMaxBytes: 8 * 1024 * 1024,
        partitionKey: "tweet",
        aggregation: false,
      },
      server: { port: 3000, host: "0.0.0.0", logLevel: "info", shutdownGraceMs: 25_000 },
    });
  });

  it("reads every variable", () => {
    // Act
    const config = loadConfig({
      X_API_KEY: "key",
      X_API_SECRET: "secret",
      X_STREAM: "filtered",
      X_STREAM_RULES: '[{"value":"cats has:images","tag":"cats"},{"value":"dogs"}]',
      X_API_BASE_URL: "http://127.0.0.1:8080/",
      X_TWEET_FIELDS: "created_at, note_tweet,created_at",
      X_EXPANSIONS: "author_id",
      X_USER_FIELDS: "username",
      X_MEDIA_FIELDS: "url",
      X_PLACE_FIELDS: "country",
      X_POLL_FIELDS: "options",
      X_TAKE_OVER_CONNECTION: "false",
      X_RECOVERY: "backfill",
      X_RECOVERY_MAX_POSTS: "500",
      X_RECOVERY_MAX_GAP: "30m",
      KINESIS_STREAM_ARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/tweets",
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_KINESIS: "http://127.0.0.1:4567",
      KINESIS_REQUEST_TIMEOUT_MS: "2500",
      BATCH_MAX_RECORDS: "250",
      BATCH_MAX_BYTES: "10485760",
      BATCH_LINGER_MS: "0",
      MAX_IN_FLIGHT: "8",
      BUFFER_MAX_BYTES: "67108864",
      PARTITION_KEY: "author",
      AGGREGATION: "on",
      PORT: "8080",
      HOST: "127.0.0.1",
      LOG_LEVEL: "debug",
      SHUTDOWN_GRACE_MS: "5000",
    });

    // Assess
    expect(config.x).toEqual({
      baseUrl: "http://127.0.0.1:8080",
      credentials: { apiKey: "key", apiSecret: "secret" },
      stream: "filtered",
      rules: [{ value: "cats has:images", tag: "cats" }, { value: "dogs" }],
      fields: {
        "tweet.fields": ["created_at", "note_tweet"],
        expansions: ["author_id"],
        "user.fields": ["username"],
        "media.fields": ["url"],
        "place.fields": ["country"],
        "poll.fields": ["options"],
      },
      takeOverConnection: false,
      recovery: { mode: "backfill", maxPosts: 500, maxGapMs: 1_800_000 },
    });
    expect(config.kinesis).toEqual({
      target: { StreamARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/tweets" },
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:4567",
      requestTimeoutMs: 2500,
    });
    expect(config.batch).toEqual({
      maxRecords: 250,
      maxBytes: 10 * 1024 * 1024,
      lingerMs: 0,
      maxInFlight: 8,
      bufferMaxBytes: 64 * 1024 * 1024,
      partitionKey: "author",
      aggregation: true,
    });
    expect(config.server).toEqual({
      port: 8080,
      host: "127.0.0.1",
      logLevel: "debug",
      shutdownGraceMs: 5000,
    });
  });

  it("reads the spool's directory and bound, with a 1 GiB default bound", () => {
    expect(loadConfig({ ...BASE, SPOOL_DIR: "/var/spool/tweetstream" }).spool).toEqual({
      dir: "/var/spool/tweetstream",
      maxBytes: 1024 * 1024 * 1024,
    });
    expect(loadConfig({ ...BASE, SPOOL_DIR: "/s", SPOOL_MAX_BYTES: "2097152" }).spool).toEqual({
      dir: "/s",
      maxBytes: 2 * 1024 * 1024,
    });
    expect(loadConfig(BASE).spool).toBeUndefined();
  });

  it("caps aggregated calls at 1 MiB unless BATCH_MAX_BYTES says otherwise", () => {
    expect(loadConfig({ ...BASE, AGGREGATION: "on" }).batch.maxBytes).toBe(1024 * 1024);
    expect(loadConfig({ ...BASE, AGGREGATION: "off" }).batch.maxBytes).toBe(5 * 1024 * 1024);
    expect(loadConfig({ ...BASE, AGGREGATION: "on", BATCH_MAX_BYTES: "4194304" }).batch.maxBytes).toBe(
      4 * 1024 * 1024,
    );
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ ...BASE, BATCH_MAX_RECORDS: "", X_API_KEY: "" }).batch.maxRecords).toBe(500);
  });

  it.each([
    ["X_STREAM", "firehose", 'expected "filtered" or "sample"'],
    ["X_STREAM_RULES", "not json", "is not valid JSON"],
    ["X_STREAM_RULES", '{"value":"cats"}', "expected a JSON array"],
    ["X_STREAM_RULES", "[]", "at least one rule"],
    ["X_STREAM_RULES", '[{"value":""}]', "X_STREAM_RULES[0].value: expected a non-empty rule string"],
    ["X_STREAM_RULES", '[{"value":"a","extra":1}]', "X_STREAM_RULES[0]: expected an object"],
    ["X_API_BASE_URL", "ftp://example.com", "expected an http:// or https:// URL"],
    ["KINESIS_STREAM_NAME", "has spaces", "expected a stream name"],
    ["AWS_REGION", "Europe", "expected an AWS region"],
    ["AWS_ENDPOINT_URL_KINESIS", "localhost:4567", "expected an http:// or https:// URL"],
    ["KINESIS_REQUEST_TIMEOUT_MS", "50", "expected an integer from 100 to 300000 (ms)"],
    ["BATCH_MAX_RECORDS", "501", "expected an integer from 1 to 500"],
    ["BATCH_MAX_RECORDS", "0", "expected an integer from 1 to 500"],
    ["BATCH_MAX_BYTES", "11000000", "expected an integer from 1048576 to 10485760 (bytes)"],
    ["BATCH_MAX_BYTES", "5MiB", "expected an integer from 1048576 to 10485760 (bytes)"],
    ["BATCH_LINGER_MS", "-1", "expected an integer from 0 to 60000 (ms)"],
    ["MAX_IN_FLIGHT", "0", "expected an integer from 1 to 64"],
    ["BUFFER_MAX_BYTES", "1000", "expected an integer from 1048576"],
    ["PARTITION_KEY", "random", 'expected "tweet" or "author"'],
    ["AGGREGATION", "true", 'expected "off" or "on"'],
    ["PORT", "70000", "expected an integer from 0 to 65535"],
    ["LOG_LEVEL", "verbose", 'expected "fatal" or "error"'],
    ["SHUTDOWN_GRACE_MS", "1.5", "expected an integer from 0 to 600000 (ms)"],
    ["SPOOL_DIR", "relative/dir", "expected an absolute directory path"],
  ])("rejects %s=%s, naming the variable", (name, value, expected) => {
    // Act
    const message = problemWith({ ...BASE, [name]: value });

    // Assess
    expect(message).toContain(name);
    expect(message).toContain(expected);
    expect(message).not.toContain(value.length > 3 ? value : "\u0000");
    expect(message).not.toContain(SECRET);
  });

  it.each([
    ["X_RECOVERY_MAX_GAP", "90", 90_000],
    ["X_RECOVERY_MAX_GAP", "90s", 90_000],
    ["X_RECOVERY_MAX_GAP", "5m", 300_000],
    ["X_RECOVERY_MAX_GAP", "2h", 7_200_000],
  ])("reads %s=%s as %i ms", (name, value, ms) => {
    expect(loadConfig({ ...BASE, [name]: value }).x.recovery.maxGapMs).toBe(ms);
  });

  it.each([
    ["X_TWEET_FIELDS", "created_at,full_text", 'X_TWEET_FIELDS: "full_text" not a documented value'],
    ["X_EXPANSIONS", "author_id,author", 'X_EXPANSIONS: "author" not a documented value'],
    ["X_USER_FIELDS", "followers", 'X_USER_FIELDS: "followers" not a documented value'],
    ["X_MEDIA_FIELDS", "urls", 'X_MEDIA_FIELDS: "urls" not a documented value'],
    ["X_PLACE_FIELDS", "city", 'X_PLACE_FIELDS: "city" not a documented value'],
    ["X_POLL_FIELDS", "votes", 'X_POLL_FIELDS: "votes" not a documented value'],
    ["X_TWEET_FIELDS", "lang,author_id", "X_TWEET_FIELDS: expected a list that includes created_at"],
    ["X_EXPANSIONS", "geo.place_id", "X_EXPANSIONS: expected a list that includes author_id"],
  ])(
    "rejects %s=%s in one line naming the variable and the value X would refuse",
    (name, value, expected) => {
      const message = problemWith({ ...BASE, [name]: value });
      expect(message).toContain(expected);
      expect(message.split("\n")).toHaveLength(1);
      expect(message).not.toContain(SECRET);
    },
  );

  it.each([
    ["X_TAKE_OVER_CONNECTION", "yes", 'expected "true" or "false"'],
    ["X_RECOVERY", "replay", 'expected "search" or "backfill" or "off"'],
    ["X_RECOVERY_MAX_POSTS", "0", "expected an integer from 1 to 1000000 (posts)"],
    ["X_RECOVERY_MAX_GAP", "1d", "expected a duration such as 3600, 90s, 30m or 1h"],
    ["X_RECOVERY_MAX_GAP", "200h", "at most 7 days"],
  ])("rejects %s=%s", (name, value, expected) => {
    const message = problemWith({ ...BASE, [name]: value });
    expect(message).toContain(`${name}: `);
    expect(message).toContain(expected);
  });

  it.each([
    [{ X_BEARER_TOKEN: undefined }, "X_BEARER_TOKEN: not set"],
    [
      { X_API_KEY: "key" },
      "X_BEARER_TOKEN: set either X_BEARER_TOKEN or X_API_KEY with X_API_SECRET, not both",
    ],
    [{ X_BEARER_TOKEN: undefined, X_API_KEY: "key" }, "X_API_SECRET: not set"],
    [{ X_BEARER_TOKEN: undefined, X_API_SECRET: SECRET }, "X_API_KEY: not set"],
    [
      { KINESIS_STREAM_NAME: undefined },
      "KINESIS_STREAM_NAME: not set; expected KINESIS_STREAM_NAME or KINESIS_STREAM_ARN",
    ],
    [{ KINESIS_STREAM_ARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/t" }, "not both"],
    [
      { KINESIS_STREAM_NAME: undefined, KINESIS_STREAM_ARN: "arn:aws:s3:::bucket" },
      "KINESIS_STREAM_ARN: expected a Kinesis stream ARN",
    ],
    [{ AWS_REGION: undefined }, "AWS_REGION: not set"],
    [
      { X_STREAM: "sample", X_STREAM_RULES: '[{"value":"a"}]' },
      'X_STREAM_RULES: rules apply only to X_STREAM="filtered"',
    ],
    [
      { BATCH_MAX_BYTES: "8388608", BUFFER_MAX_BYTES: "4194304" },
      "BUFFER_MAX_BYTES: expected at least BATCH_MAX_BYTES",
    ],
    [{ SPOOL_MAX_BYTES: "1048576" }, "SPOOL_MAX_BYTES: applies only with SPOOL_DIR"],
    [
      { SPOOL_DIR: "/var/spool", SPOOL_MAX_BYTES: "1000" },
      "SPOOL_MAX_BYTES: expected an integer from 1048576",
    ],
  ])("rejects inconsistent variables %o", (change, expected) => {
    // Prepare
    const env = Object.fromEntries(
      Object.entries({ ...BASE, ...change }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );

    // Act
    const message = problemWith(env);

    // Assess
    expect(message).toContain(expected);
    expect(message).not.toContain(SECRET);
  });

  it("lists every problem in one line", () => {
    // Act
    const message = problemWith({ X_API_KEY: SECRET, PORT: "x", BATCH_LINGER_MS: "y" });

    // Assess
    expect(message.split("\n")).toHaveLength(1);
    for (const name of ["X_API_SECRET", "KINESIS_STREAM_NAME", "AWS_REGION", "PORT", "BATCH_LINGER_MS"]) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).not.toContain(SECRET);
  });
});
