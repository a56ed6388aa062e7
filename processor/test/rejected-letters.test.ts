import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../events/index.js";
import { processBatch } from "../process-batch.js";
import { fakePorts } from "./support/fake-ports.js";
import { aggregated, kinesisEvent, plain, sequenceNumber, tweet } from "./support/records.js";

describe("processBatch when DynamoDB rejects items on their own (the core, in-memory ports)", () => {
  const secret = tweet(2, { text: "secret words of a tweet" });

  it("dead-letters every record that carried a rejected item, counts it and logs it without the tweet", async () => {
    // Record 0 and the aggregate's second user record carry the same rejected key; record 2 is fine.
    const fake = fakePorts({ rejectKeys: (key) => key.Id === secret.id });
    const event = kinesisEvent([plain(secret), aggregated([tweet(1), secret]), plain(tweet(3))]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.letters.map((l) => [l.origin.sequenceNumber, l.subSequenceNumber, l.reason.kind])).toEqual([
      [sequenceNumber(0), 0, "dynamodb-rejected"],
      [sequenceNumber(1), 1, "dynamodb-rejected"],
    ]);
    expect(fake.letters[1]?.payload).toBe(encodeEvent(secret).toString("base64"));
    expect(fake.letters[0]?.reason.message).toBe("ValidationException (HTTP 400): Empty attribute name");
    expect(fake.logLines.at(-1)).toMatchObject({
      msg: "batch processed",
      written: 2,
      rejectedByDynamoDb: 1,
      deadLettered: 2,
      failedRecords: 0,
    });
    expect(fake.logLines.filter((line) => line.level === "warn")).toHaveLength(2);
    expect(JSON.stringify(fake.logLines)).not.toContain("secret words");
  });

  it("reports the records whose rejected item's letter the queue refuses", async () => {
    const fake = fakePorts({
      rejectKeys: (key) => key.Id === secret.id,
      failLetters: (letter) => letter.reason.kind === "dynamodb-rejected",
    });

    const response = await processBatch(
      kinesisEvent([plain(tweet(1)), plain(secret), plain(tweet(3))]).Records,
      fake.ports,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(1) }]);
    expect(fake.logLines.at(-1)).toMatchObject({ rejectedByDynamoDb: 1, deadLettered: 0, failedRecords: 1 });
  });
});
