import { describe, expect, it } from "vitest";
import { processBatch } from "../process-batch.js";
import { fakePorts } from "./support/fake-ports.js";
import {
  aggregated,
  kinesisEvent,
  malformedPayloads,
  plain,
  replaceData,
  sequenceNumber,
  tweet,
} from "./support/records.js";

describe("processBatch (the core, with in-memory ports)", () => {
  it("maps every event to an item, reports nothing and logs one info line with counts", async () => {
    // Prepare
    const fake = fakePorts();
    const event = kinesisEvent([plain(tweet(1)), aggregated([tweet(2), tweet(3)])]);

    // Act
    const response = await processBatch(event.Records, fake.ports);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(fake.written().map((item) => item.Id)).toEqual([tweet(1).id, tweet(2).id, tweet(3).id]);
    expect(fake.written()[0]?.ProcessedAt).toBe("2026-11-25T12:00:05.000Z");
    expect(fake.logLines).toEqual([
      expect.objectContaining({
        level: "info",
        msg: "batch processed",
        records: 2,
        userRecords: 3,
        written: 3,
        deduplicated: 0,
        deadLettered: 0,
        failedRecords: 0,
        durationMs: 0,
      }),
    ]);
  });

  it("never logs tweet text at info level", async () => {
    const fake = fakePorts({ failKeys: () => true });
    const event = kinesisEvent([plain(tweet(1, { text: "secret words" })), Buffer.from("{")]);

    await processBatch(event.Records, fake.ports);

    expect(JSON.stringify(fake.logLines)).not.toContain("secret words");
  });

  it("gives the ports the invocation's deadline minus the safety margin", async () => {
    const fake = fakePorts({ remainingTimeMs: 10_000 });
    const event = kinesisEvent([plain(tweet(1)), Buffer.from("{")]);

    await processBatch(event.Records, fake.ports);

    expect(fake.deadlines).toEqual([
      Date.parse("2026-11-25T12:00:14.000Z"),
      Date.parse("2026-11-25T12:00:14.000Z"),
    ]);
  });

  it("writes each key once, the last copy, and reports every record that carried a failed key", async () => {
    const fake = fakePorts({ failKeys: (item) => item.Id === tweet(1).id });
    const event = kinesisEvent([
      plain(tweet(1, { text: "old" })),
      aggregated([tweet(2), tweet(1, { text: "new" })]),
      plain(tweet(3)),
    ]);

    const response = await processBatch(event.Records, fake.ports);

    expect(fake.writes).toHaveLength(1);
    expect(fake.written().map((item) => [item.Id, item.Message])).toEqual([
      [tweet(1).id, "new"],
      [tweet(2).id, tweet(2).text],
      [tweet(3).id, tweet(3).text],
    ]);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceNumber(0) },
      { itemIdentifier: sequenceNumber(1) },
    ]);
    expect(fake.logLines.at(-1)).toMatchObject({ deduplicated: 1, written: 2, failedRecords: 2 });
  });

  it("dead-letters malformed records with where they came from, and reports those the queue refuses", async () => {
    const bad = malformedPayloads();
    const fake = fakePorts({ failLetters: (letter) => letter.reason.kind === "not-json" });
    const event = kinesisEvent([plain(tweet(1)), plain(tweet(2)), aggregated([tweet(3), Buffer.from("[]")])]);
    replaceData(event, 0, bad["not-json"]);
    replaceData(event, 1, bad.schema);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(0) }]);
    expect(fake.letters).toEqual([
      expect.objectContaining({
        payload: bad.schema,
        reason: expect.objectContaining({ kind: "schema", path: "author.username" }),
      }),
      expect.objectContaining({ subSequenceNumber: 1, payload: Buffer.from("[]").toString("base64") }),
    ]);
    expect(fake.letters[0]?.origin).toEqual({
      shardId: "shardId-000000000007",
      sequenceNumber: sequenceNumber(1),
      eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/tweets",
      partitionKey: "pk-1",
      approximateArrivalTimestamp: Date.parse("2026-11-25T12:00:01.000Z") / 1000,
    });
    expect(fake.written().map((item) => item.Id)).toEqual([tweet(3).id]);
    expect(fake.logLines.filter((line) => line.level === "warn")).toHaveLength(3);
  });

  it("logs the first 10 dead letters one by one and the rest as a count", async () => {
    const fake = fakePorts();
    const event = kinesisEvent(Array.from({ length: 25 }, () => Buffer.from("garbage")));

    await processBatch(event.Records, fake.ports);

    const warnings = fake.logLines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(11);
    expect(warnings.at(-1)).toMatchObject({ notLogged: 15 });
    expect(fake.letters).toHaveLength(25);
  });

  it("dead-letters items DynamoDB would reject for size instead of blocking the shard", async () => {
    const fake = fakePorts();
    const event = kinesisEvent([
      plain(tweet(1, { author: { id: "1", username: "u".repeat(2049), name: "x" } })),
      plain(tweet(2, { text: "t".repeat(410_000) })),
      plain(tweet(3)),
    ]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.letters.map((l) => l.reason.kind)).toEqual(["key-too-large", "item-too-large"]);
    expect(fake.written().map((item) => item.Id)).toEqual([tweet(3).id]);
  });

  it("reports everything a port was given when it throws, instead of failing the whole invocation", async () => {
    const fake = fakePorts();
    fake.ports.writeItems = async () => {
      throw new Error("bug in the writer");
    };
    const event = kinesisEvent([plain(tweet(1)), plain(tweet(2))]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toHaveLength(2);
    expect(fake.logLines).toContainEqual(expect.objectContaining({ level: "error", err: expect.anything() }));
  });

  it("logs an error naming a systemic refusal and counts it, reporting the records", async () => {
    const fake = fakePorts();
    const problem = "the key schema is refused: ValidationException (HTTP 400): Type mismatch for key";
    fake.ports.writeItems = async (requests) => ({
      unwritten: requests.map((request) => ({ request, reason: `systemic refusal (${problem})` })),
      rejected: [],
      retries: 0,
      systemic: problem,
    });
    const event = kinesisEvent([plain(tweet(1)), plain(tweet(2))]);

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toHaveLength(2);
    expect(fake.letters).toEqual([]);
    expect(fake.logLines).toContainEqual(
      expect.objectContaining({ level: "error", problem, refusedAsSystemic: 2 }),
    );
    expect(fake.logLines).toContainEqual(
      expect.objectContaining({ msg: "batch processed", refusedAsSystemic: 2, deadLettered: 0 }),
    );
  });

  it("publishes the batch's metrics, a dead-letter send cut by the deadline counted as a cut batch", async () => {
    const fake = fakePorts();
    const published: unknown[] = [];
    fake.ports.publishMetrics = (metrics) => published.push(metrics);
    fake.ports.sendToDeadLetter = async (letters) => ({
      failed: letters.map((letter) => ({ letter, reason: "deadline reached before the dead-letter send" })),
      payloadOmitted: 0,
      cutByDeadline: true,
    });
    const event = replaceData(kinesisEvent([plain(tweet(1)), plain(tweet(2))]), 1, "not base64!");

    const response = await processBatch(event.Records, fake.ports);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(1) }]);
    expect(published).toEqual([
      {
        ItemsWritten: 1,
        ItemsDeadLettered: 0,
        ItemsRefusedSystemic: 0,
        BatchesCutByDeadline: 1,
        EarlierVersionsDeleted: 0,
      },
    ]);
  });

  it("handles an empty batch without calling the ports", async () => {
    const fake = fakePorts();

    expect(await processBatch([], fake.ports)).toEqual({ batchItemFailures: [] });
    expect(fake.deadlines).toEqual([]);
  });
});
