import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recordSize, Spool, type SpoolRecord, type SpoolToken } from "../index.js";
import { plain, tempDir } from "./helpers.js";

/** Operations on the spool; the model is a plain array used as a queue. */
type Operation =
  | { readonly op: "append"; readonly records: SpoolRecord[] }
  | { readonly op: "peek"; readonly maxRecords: number; readonly maxBytes: number }
  | { readonly op: "ack"; readonly count: number | undefined }
  | { readonly op: "reopen" };

const record: fc.Arbitrary<SpoolRecord> = fc.record({
  partitionKey: fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }),
  data: fc.uint8Array({ maxLength: 300 }),
  receivedAt: fc.double({ noNaN: true, noDefaultInfinity: true }),
});

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("append" as const), records: fc.array(record, { maxLength: 6 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("peek" as const),
      maxRecords: fc.integer({ min: 1, max: 8 }),
      maxBytes: fc.integer({ min: 1, max: 1500 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("ack" as const),
      count: fc.option(fc.nat(8), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "reopen" as const }) },
);

/** What `peek` must return for the queue `model`: the longest prefix within both limits, at least one record. */
function expectedPeek(model: readonly SpoolRecord[], maxRecords: number, maxBytes: number): SpoolRecord[] {
  const out: SpoolRecord[] = [];
  let bytes = 0;
  for (const next of model) {
    if (out.length === maxRecords || (out.length > 0 && bytes + recordSize(next) > maxBytes)) break;
    out.push(next);
    bytes += recordSize(next);
  }
  return out;
}

describe("spool against a queue model", () => {
  it("matches an in-memory FIFO for any sequence of append, peek, ack and reopen", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 30 }), async (operations) => {
        const dir = await tempDir();
        const options = { dir, maxBytes: 1 << 24, segmentBytes: 1024 };
        let spool = await Spool.open(options);
        const model: SpoolRecord[] = [];
        // The last batch peeked, while acknowledging it is still allowed.
        let outstanding: { token: SpoolToken; size: number } | undefined;
        try {
          for (const step of operations) {
            if (step.op === "append") {
              expect(await spool.append(step.records)).toEqual({ accepted: step.records.length });
              model.push(...step.records);
            } else if (step.op === "peek") {
              const batch = await spool.peek(step.maxRecords, step.maxBytes);
              const expected = expectedPeek(model, step.maxRecords, step.maxBytes);
              expect(plain(batch?.records ?? [])).toEqual(plain(expected));
              outstanding =
                batch === undefined ? undefined : { token: batch.token, size: batch.records.length };
            } else if (step.op === "ack" && outstanding !== undefined) {
              const count =
                step.count === undefined ? outstanding.size : Math.min(step.count, outstanding.size);
              await spool.ack(outstanding.token, count);
              model.splice(0, count);
              // Acknowledging moved the head (unless count was 0): a second ack of the batch must be refused.
              if (count > 0) {
                await expect(spool.ack(outstanding.token)).rejects.toMatchObject({ kind: "stale-token" });
                outstanding = undefined;
              }
            } else if (step.op === "reopen") {
              await spool.close();
              spool = await Spool.open(options);
              expect(spool.recovery).toEqual({ tornTailBytes: 0, quarantined: [], cursorProblem: undefined });
              if (outstanding !== undefined) {
                await expect(spool.ack(outstanding.token)).rejects.toMatchObject({ kind: "stale-token" });
                outstanding = undefined;
              }
            }
            expect(spool.stats().records).toBe(model.length);
          }
          expect(plain((await spool.peek(1_000_000, Number.MAX_SAFE_INTEGER))?.records ?? [])).toEqual(
            plain(model),
          );
        } finally {
          await spool.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
