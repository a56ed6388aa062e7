import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requestKey } from "../ports.js";
import { processBatch } from "../process-batch.js";
import { itemKey } from "../tweet-item.js";
import { editVersion, versionId } from "./support/edit-chains.js";
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

// Versions of edited posts (see edit-chains.ts) mixed with v1 records of other posts.
type Version = { chain: number; version: number } | { v1: number };
const versionRecord: fc.Arbitrary<Version> = fc.oneof(
  fc.record({ chain: fc.integer({ min: 0, max: 2 }), version: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ v1: fc.integer({ min: 3, max: 6 }) }),
);
const eventOf = (r: Version) => ("v1" in r ? tweet(r.v1) : editVersion(r.chain, r.version));

describe("processBatch properties with edited posts and v1 records mixed", () => {
  it("puts each chain's newest version, deletes every earlier one once that put succeeded, one request per key; reports by owned keys", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(versionRecord, { minLength: 1, maxLength: 20 }),
        fc.uniqueArray(fc.oneof(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 50, max: 202 }))),
        async (records, failing) => {
          const failingIds = new Set(failing.map((n) => tweet(n).id));
          const fake = fakePorts({ failKeys: (key) => failingIds.has(key.Id) });

          const response = await processBatch(
            kinesisEvent(records.map((r) => plain(eventOf(r)))).Records,
            fake.ports,
          );

          const requests = fake.writes.flat();
          const keys = requests.map((request) => itemKey(requestKey(request)));
          expect(new Set(keys).size).toBe(keys.length);
          const newest = new Map<number, number>();
          for (const r of records)
            if (!("v1" in r)) newest.set(r.chain, Math.max(newest.get(r.chain) ?? 0, r.version));
          const expectedPuts = new Set([
            ...records.flatMap((r) => ("v1" in r ? [tweet(r.v1).id] : [])),
            ...[...newest].map(([chain, version]) => versionId(chain, version)),
          ]);
          // A chain whose newest put failed keeps its earlier versions: their deletes are never sent.
          const newestFailed = (chain: number) => failingIds.has(versionId(chain, newest.get(chain) ?? 0));
          const expectedDeletes = new Set(
            [...newest]
              .filter(([chain]) => !newestFailed(chain))
              .flatMap(([chain, version]) => Array.from({ length: version }, (_, k) => versionId(chain, k))),
          );
          expect(new Set(fake.written().map((item) => item.Id))).toEqual(expectedPuts);
          expect(new Set(fake.deleted().map((key) => key.Id))).toEqual(expectedDeletes);

          // A record owns its own key and the keys of every version before it, and is reported with every
          // record of its chain when the chain's newest put failed (the deletes wait for it).
          const ownedIds = (r: Version) =>
            "v1" in r
              ? [tweet(r.v1).id]
              : Array.from({ length: r.version + 1 }, (_, k) => versionId(r.chain, k));
          const expected = records.flatMap((r, n) =>
            ownedIds(r).some((id) => failingIds.has(id)) || (!("v1" in r) && newestFailed(r.chain))
              ? [{ itemIdentifier: sequenceNumber(n) }]
              : [],
          );
          expect(response.batchItemFailures).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
