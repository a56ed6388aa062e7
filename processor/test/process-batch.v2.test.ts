import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeStoredRecord } from "../../events/stored-record.js";
import { requestKey } from "../ports.js";
import { processBatch } from "../process-batch.js";
import { fakePorts } from "./support/fake-ports.js";
import { aggregated, kinesisEvent, plain, sequenceNumber, tweet } from "./support/records.js";
import { tweetV2 } from "./support/v2-records.js";

describe("processBatch with envelope v2 and edited posts", () => {
  const edit = (n: number, history: readonly number[]) =>
    tweetV2(n, { data: { edit_history_tweet_ids: history.map((h) => tweet(h).id) } });
  const keyOf = (n: number) => ({ Username: tweet(n).author.username, Id: tweet(n).id });

  it("reads v1 and v2 records in one batch, plain and aggregated", async () => {
    const fake = fakePorts();
    const event = kinesisEvent([plain(tweet(1)), plain(tweetV2(2)), aggregated([tweetV2(3), tweet(4)])]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    const items = new Map(fake.written().map((item) => [item.Id, item]));
    expect([1, 2, 3, 4].map((n) => items.get(tweet(n).id)?.Raw !== undefined)).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(items.get(tweet(2).id)?.Hashtags).toEqual(["aws"]);
    expect(fake.logLines.at(-1)).toMatchObject({ userRecords: 4, written: 4, earlierVersionsDeleted: 0 });
  });

  it("deletes the earlier versions of an edited post after the newer version's put, under the same username", async () => {
    // Post 50 edited into 100 and then 150: their authors share user0 (n % 50).
    const fake = fakePorts();
    const event = kinesisEvent([plain(edit(150, [50, 100, 150]))]);

    await processBatch(event.Records, fake.ports);

    // Two writer calls: the put first, the deletes once it succeeded (issue 18 item 1).
    expect(fake.writes.map((call) => call.map((request) => Object.keys(request)[0]))).toEqual([
      ["put"],
      ["delete", "delete"],
    ]);
    expect(fake.written().map((item) => item.Id)).toEqual([tweet(150).id]);
    expect(fake.deleted()).toEqual([keyOf(50), keyOf(100)]);
    expect(fake.logLines.at(-1)).toMatchObject({ written: 1, earlierVersionsDeleted: 2, superseded: 0 });
  });

  it("deletes under the newer version's username: a renamed author's earlier item is not found", async () => {
    const fake = fakePorts();
    const renamed = edit(100, [50, 100]);
    renamed.author = { ...renamed.author, username: "renamed" };

    await processBatch(kinesisEvent([plain(renamed)]).Records, fake.ports);

    expect(fake.deleted()).toEqual([{ Username: "renamed", Id: tweet(50).id }]);
  });

  it("writes only the newest version when several are in the batch, whatever their order", async () => {
    for (const order of [
      [edit(50, [50]), edit(100, [50, 100]), edit(150, [50, 100, 150])],
      [edit(150, [50, 100, 150]), edit(50, [50]), edit(100, [50, 100])],
    ]) {
      const fake = fakePorts();

      await processBatch(kinesisEvent(order.map(plain)).Records, fake.ports);

      expect(fake.written().map((item) => item.Id)).toEqual([tweet(150).id]);
      expect(fake.deleted()).toHaveLength(2);
      expect(fake.deleted()).toEqual(expect.arrayContaining([keyOf(50), keyOf(100)]));
      expect(fake.logLines.at(-1)).toMatchObject({ superseded: 2 });
    }
  });

  it("reports the records of a superseded version and of the newer one when the delete fails", async () => {
    const fake = fakePorts({ failKeys: (key) => key.Id === tweet(50).id });
    const event = kinesisEvent([plain(edit(50, [50])), plain(tweet(7)), plain(edit(100, [50, 100]))]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceNumber(0) },
      { itemIdentifier: sequenceNumber(2) },
    ]);
    expect(fake.logLines.at(-1)).toMatchObject({ written: 2, earlierVersionsDeleted: 0, failedRecords: 2 });
  });

  it("writes the earlier version when DynamoDB refuses the newer one alone, whatever their order, and dead-letters only the newer", async () => {
    // Before: A's put had been replaced by its delete, so valid A was dead-lettered with B and the table held neither.
    for (const order of [
      [edit(50, [50]), edit(100, [50, 100])],
      [edit(100, [50, 100]), edit(50, [50])],
    ]) {
      const fake = fakePorts({ rejectKeys: (key) => key.Id === tweet(100).id });
      const newer = order.findIndex((post) => post.id === tweet(100).id);

      const response = await processBatch(kinesisEvent(order.map(plain)).Records, fake.ports);

      expect(response.batchItemFailures).toEqual([]);
      expect(fake.writes.map((call) => call.map((request) => requestKey(request).Id))).toEqual([
        [tweet(100).id],
        [tweet(50).id],
      ]);
      expect(fake.deleted()).toEqual([]);
      expect(fake.letters.map((l) => [l.origin.sequenceNumber, l.subSequenceNumber])).toEqual([
        [sequenceNumber(newer), 0],
      ]);
      expect(fake.logLines.at(-1)).toMatchObject({
        written: 1,
        earlierVersionsDeleted: 0,
        earlierVersionsKept: 0,
        earlierVersionsRestored: 1,
        rejectedByDynamoDb: 1,
        deadLettered: 1,
      });
    }
  });

  it("dead-letters the earlier version too when DynamoDB refuses it as well", async () => {
    const fake = fakePorts({ rejectKeys: (key) => key.Id === tweet(100).id || key.Id === tweet(50).id });
    const event = kinesisEvent([plain(edit(50, [50])), plain(edit(100, [50, 100]))]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.letters.map((l) => l.origin.sequenceNumber).sort()).toEqual(
      [sequenceNumber(0), sequenceNumber(1)].sort(),
    );
    expect(fake.logLines.at(-1)).toMatchObject({
      written: 0,
      earlierVersionsRestored: 1,
      rejectedByDynamoDb: 2,
    });
  });

  it("restores a chain from the newest refused version down: B written, then A deleted", async () => {
    const fake = fakePorts({ rejectKeys: (key) => key.Id === tweet(150).id });
    const event = kinesisEvent([
      plain(edit(50, [50])),
      plain(edit(100, [50, 100])),
      plain(edit(150, [50, 100, 150])),
    ]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.writes.map((call) => call.map((request) => Object.keys(request)[0]))).toEqual([
      ["put"],
      ["put"],
      ["delete"],
    ]);
    expect(fake.written().map((item) => item.Id)).toEqual([tweet(150).id, tweet(100).id]);
    expect(fake.deleted()).toEqual([keyOf(50)]);
    expect(fake.logLines.at(-1)).toMatchObject({
      written: 1,
      earlierVersionsDeleted: 1,
      earlierVersionsRestored: 1,
    });
  });

  it("keeps an earlier version the batch did not carry when DynamoDB refuses the newer one alone", async () => {
    const fake = fakePorts({ rejectKeys: (key) => key.Id === tweet(100).id });

    const response = await processBatch(kinesisEvent([plain(edit(100, [50, 100]))]).Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.deleted()).toEqual([]);
    expect(fake.letters.map((l) => l.origin.sequenceNumber)).toEqual([sequenceNumber(0)]);
    expect(fake.logLines.at(-1)).toMatchObject({
      earlierVersionsKept: 1,
      earlierVersionsRestored: 0,
      rejectedByDynamoDb: 1,
      deadLettered: 1,
    });
  });

  it("stores the record's JSON as Raw byte for byte, as it came off the stream", async () => {
    const fake = fakePorts();
    // Keys in an order of the producer's choosing, an unknown field and spacing: kept as received.
    const { data, ...envelope } = tweetV2(1);
    const json = `{"data": ${JSON.stringify(data)}, "future":{"a":[1]}, ${JSON.stringify(envelope).slice(1)}`;

    await processBatch(kinesisEvent([Buffer.from(json)]).Records, fake.ports);

    const item = fake.written()[0];
    expect(decodeStoredRecord({ B: item?.Raw ?? new Uint8Array() }, item?.Message ?? "")).toBe(json);
  });

  it("counts and logs items written with Raw cut to stay within 400 KB", async () => {
    const fake = fakePorts();
    // Random base64: deflate leaves it at about 3/4 of its length, still over 400 KB.
    const huge = { tweets: [{ id: "9", text: randomBytes(450 * 1024).toString("base64") }] };
    const event = kinesisEvent([plain(tweetV2(1, { includes: huge })), plain(tweetV2(2))]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.written().map((item) => item.RawOmitted)).toEqual(["includes", undefined]);
    expect(fake.logLines).toContainEqual(
      expect.objectContaining({ level: "warn", rawIncludesOmitted: 1, rawOmitted: 0 }),
    );
    expect(fake.logLines.at(-1)).toMatchObject({ rawIncludesOmitted: 1, rawOmitted: 0, written: 2 });
  });
});
