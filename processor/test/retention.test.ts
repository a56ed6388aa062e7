import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { processBatch } from "../process-batch.js";
import { fakePorts } from "./support/fake-ports.js";
import { kinesisEvent, plain, tweet } from "./support/records.js";
import { tweetV2 } from "./support/v2-records.js";

const valid = { TABLE_NAME: "tweetstream-EventData", DLQ_URL: "https://sqs.us-east-1.amazonaws.com/1/dlq" };
// fakePorts' clock: 2026-11-25T12:00:05Z.
const NOW_SECONDS = Date.parse("2026-11-25T12:00:05.000Z") / 1000;

describe("retention (contract 4: ExpiresAt for DynamoDB's TTL)", () => {
  it("writes ExpiresAt, epoch seconds RETENTION_DAYS after processing, on v1 and v2 items", async () => {
    const fake = fakePorts();
    const { retentionDays } = loadConfig({ ...valid, RETENTION_DAYS: "30" });

    await processBatch(kinesisEvent([plain(tweet(1)), plain(tweetV2(2))]).Records, {
      ...fake.ports,
      retentionDays,
    });

    expect(fake.written().map((item) => item.ExpiresAt)).toEqual([
      NOW_SECONDS + 30 * 86_400,
      NOW_SECONDS + 30 * 86_400,
    ]);
  });

  it("writes no ExpiresAt when RETENTION_DAYS is unset or 0 (the default: items stay)", async () => {
    for (const env of [valid, { ...valid, RETENTION_DAYS: "0" }]) {
      const fake = fakePorts();
      await processBatch(kinesisEvent([plain(tweetV2(3))]).Records, {
        ...fake.ports,
        retentionDays: loadConfig(env).retentionDays,
      });
      expect(fake.written()[0]).not.toHaveProperty("ExpiresAt");
    }
  });

  it("fails the cold start on a RETENTION_DAYS that is not a whole number of days", () => {
    for (const bad of ["-1", "1.5", "a month"]) {
      expect(() => loadConfig({ ...valid, RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS/);
    }
  });
});
