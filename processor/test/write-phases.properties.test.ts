import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ItemWriter, requestKey } from "../ports.js";
import { processBatch } from "../process-batch.js";
import { itemKey } from "../tweet-item.js";
import { editVersion, versionId } from "./support/edit-chains.js";
import { fakePorts } from "./support/fake-ports.js";
import { kinesisEvent, plain, sequenceNumber } from "./support/records.js";

const CHAINS = 3;
const VERSIONS = 4;
const version = fc.record({
  chain: fc.integer({ min: 0, max: CHAINS - 1 }),
  version: fc.integer({ min: 0, max: VERSIONS - 1 }),
});

/**
 * A table of versions (chain -> ids stored) behind the writer port. Within one call it carries out the deletes
 * before the puts (DynamoDB gives no order inside a BatchWriteItem call, so the worst one) and hands back the
 * requests `unprocessed` picks. After each step it checks that no chain that had a version stored has lost all.
 */
function versionTable(seeded: readonly { chain: number; version: number }[]) {
  const stored = new Set(seeded.map((s) => versionId(s.chain, s.version)));
  const chainOf = new Map<string, number>();
  for (let chain = 0; chain < CHAINS; chain++)
    for (let v = 0; v < VERSIONS; v++) chainOf.set(versionId(chain, v), chain);
  const everStored = new Set(seeded.map((s) => s.chain));
  const vanished: string[] = [];
  const check = (moment: string) => {
    for (const chain of everStored)
      if (![...stored].some((id) => chainOf.get(id) === chain)) vanished.push(`chain ${chain} ${moment}`);
  };
  let calls = 0;
  const writer =
    (
      unprocessed: (call: number, key: string) => boolean,
      refused: (id: string) => boolean = () => false,
    ): ItemWriter =>
    async (requests) => {
      calls += 1;
      const rejected = requests.filter((request) => "put" in request && refused(request.put.Id));
      const handedBack = requests.filter(
        (request) => !rejected.includes(request) && unprocessed(calls, itemKey(requestKey(request))),
      );
      const carried = requests.filter(
        (request) => !handedBack.includes(request) && !rejected.includes(request),
      );
      for (const request of carried) if ("delete" in request) stored.delete(request.delete.Id);
      check(`after the deletes of call ${calls}`);
      for (const request of carried) {
        if (!("put" in request)) continue;
        stored.add(request.put.Id);
        everStored.add(chainOf.get(request.put.Id) ?? -1);
      }
      check(`after the puts of call ${calls}`);
      const unwritten = handedBack.map((request) => ({ request, reason: "UnprocessedItems" }));
      const reason = "ValidationException (HTTP 400): refused alone";
      return { unwritten, rejected: rejected.map((request) => ({ request, reason })), retries: 0 };
    };
  return { stored, vanished, writer };
}

describe("edits written in two phases (issue 18 item 1)", () => {
  it("keeps some version of every stored post in the table at every moment, and only the newest after a clean retry", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(version, { minLength: 1, maxLength: 12 }),
        fc.array(version, { maxLength: 4 }),
        fc.func(fc.boolean()),
        async (records, seeds, unprocessedOf) => {
          const newest = new Map<number, number>();
          for (const r of records) newest.set(r.chain, Math.max(newest.get(r.chain) ?? 0, r.version));
          // Earlier versions stored by earlier batches (a version newer than the batch's would stay: by design).
          const seeded = seeds.filter((s) => s.version < (newest.get(s.chain) ?? 0));
          const table = versionTable(seeded);
          const event = kinesisEvent(records.map((r) => plain(editVersion(r.chain, r.version))));

          const faulty = fakePorts();
          faulty.ports.writeItems = table.writer((call, key) => unprocessedOf(call, key) as boolean);
          const underFault = await processBatch(event.Records, faulty.ports);
          const storedUnderFault = new Set(table.stored);
          // The mapping delivers the batch again (from its first reported record, here all of it).
          const clean = fakePorts();
          clean.ports.writeItems = table.writer(() => false);
          const retried = await processBatch(event.Records, clean.ports);

          expect(table.vanished).toEqual([]);
          expect(retried.batchItemFailures).toEqual([]);
          const onlyNewest = new Set([...newest].map(([chain, v]) => versionId(chain, v)));
          expect(table.stored).toEqual(onlyNewest);
          // A batch answered with no failure under the fault had nothing left to do.
          if (underFault.batchItemFailures.length === 0) expect(storedUnderFault).toEqual(onlyNewest);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("stores the newest version DynamoDB accepts and dead-letters only the records of refused versions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(version, { minLength: 1, maxLength: 12 }),
        fc.array(version, { maxLength: 4 }),
        fc.func(fc.boolean()),
        async (records, seeds, refusedOf) => {
          const refused = (chain: number, v: number) => refusedOf(chain, v) as boolean;
          const newest = new Map<number, number>();
          for (const r of records) newest.set(r.chain, Math.max(newest.get(r.chain) ?? 0, r.version));
          const seeded = seeds.filter((s) => s.version < (newest.get(s.chain) ?? 0));
          const table = versionTable(seeded);
          const refusedIds = new Set(
            records.filter((r) => refused(r.chain, r.version)).map((r) => versionId(r.chain, r.version)),
          );
          const event = kinesisEvent(records.map((r) => plain(editVersion(r.chain, r.version))));
          const fake = fakePorts();
          fake.ports.writeItems = table.writer(
            () => false,
            (id) => refusedIds.has(id),
          );

          const response = await processBatch(event.Records, fake.ports);
          // Every request of a phase refused alone is judged systemic and retried (handler-rejected.test.ts).
          fc.pre(fake.logLines.at(-1)?.refusedAsSystemic === 0);

          expect(response.batchItemFailures).toEqual([]);
          expect(table.vanished).toEqual([]);
          // Per chain: the newest accepted version the batch carried, and the stored versions above it (their
          // newer versions were all refused, so nothing replaced them); without an accepted one, what was stored.
          const expected = new Set<string>();
          for (const chain of newest.keys()) {
            const accepted = records.filter((r) => r.chain === chain && !refused(r.chain, r.version));
            const best = Math.max(-1, ...accepted.map((r) => r.version));
            if (best >= 0) expected.add(versionId(chain, best));
            for (const s of seeded)
              if (s.chain === chain && s.version > best) expected.add(versionId(s.chain, s.version));
          }
          expect(table.stored).toEqual(expected);
          const refusedRecords = new Set(
            records.flatMap((r, n) => (refused(r.chain, r.version) ? [sequenceNumber(n)] : [])),
          );
          for (const letter of fake.letters) expect(refusedRecords).toContain(letter.origin.sequenceNumber);
        },
      ),
      { numRuns: 300 },
    );
  });
});
