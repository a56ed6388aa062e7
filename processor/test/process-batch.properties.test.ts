import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { processBatch } from "../process-batch.js";
import { itemKey } from "../tweet-item.js";
import { fakePorts } from "./support/fake-ports.js";
import { aggregated, kinesisEvent, plain, sequenceNumber, tweet } from "./support/records.js";

// A user record: a tweet drawn from a small pool of keys (so duplicates are common), or garbage.
const userRecord = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ key: fc.integer({ min: 0, max: 7 }), text: fc.string({ maxLength: 8 }) }),
  },
  { weight: 1, arbitrary: fc.constant("garbage" as const) },
);
// A Kinesis record: one plain user record, or an aggregate of several.
const kinesisRecord = fc.oneof(
  userRecord.map((u) => [u]),
  fc.array(userRecord, { minLength: 1, maxLength: 4 }).map((us) => ({ aggregate: us })),
);

type User = { key: number; text: string } | "garbage";
const bytesOf = (u: User) =>
  u === "garbage" ? Buffer.from("not json") : plain(tweet(u.key, { text: u.text }));

describe("processBatch properties", () => {
  it("reports exactly the records owning a failed item or a refused letter; writes each key once, last copy", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(kinesisRecord, { minLength: 1, maxLength: 25 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 7 })),
        fc.func(fc.boolean()),
        async (records, failingKeys, refuseLetterOf) => {
          // Prepare
          const users: User[][] = records.map((r) => (Array.isArray(r) ? r : r.aggregate));
          const event = kinesisEvent(
            records.map((r) =>
              Array.isArray(r) ? bytesOf(r[0] as User) : aggregated(r.aggregate.map(bytesOf)),
            ),
          );
          const failingIds = new Set(failingKeys.map((k) => tweet(k).id));
          const refused = (seq: string) => refuseLetterOf(seq) as boolean;
          const fake = fakePorts({
            failKeys: (item) => failingIds.has(item.Id),
            failLetters: (letter) => refused(letter.origin.sequenceNumber),
          });

          // Act
          const response = await processBatch(event.Records, fake.ports);

          // Assess: the model
          const expected = users.flatMap((us, n) => {
            const seq = sequenceNumber(n);
            const ownsFailedItem = us.some((u) => u !== "garbage" && failingKeys.includes(u.key));
            const hasRefusedLetter = us.includes("garbage") && refused(seq);
            return ownsFailedItem || hasRefusedLetter ? [{ itemIdentifier: seq }] : [];
          });
          expect(response.batchItemFailures).toEqual(expected);

          const written = fake.written();
          expect(new Set(written.map(itemKey)).size).toBe(written.length);
          const lastText = new Map<string, string>();
          for (const u of users.flat()) if (u !== "garbage") lastText.set(tweet(u.key).id, u.text);
          expect(new Map(written.map((item) => [item.Id, item.Message]))).toEqual(lastText);

          const garbage = users.flat().filter((u) => u === "garbage").length;
          const sent = fake.letters.length;
          const summary = fake.logLines.at(-1);
          expect(summary).toMatchObject({
            deadLettered: sent,
            deduplicated: users.flat().length - garbage - written.length,
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
