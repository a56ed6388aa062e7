import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_MARGIN_SHARE_OF_REMAINING, writeDeadline } from "../deadline.js";
import { processBatch } from "../process-batch.js";
import { fakePorts } from "./support/fake-ports.js";
import { kinesisEvent, plain, tweet } from "./support/records.js";

describe("writeDeadline", () => {
  it("keeps time to write when less than the margin remains (900 ms, 1,000 ms margin)", () => {
    // Before the cap: 900 - 1,000 left a deadline 100 ms in the past and nothing was written.
    expect(writeDeadline(10_000, 900, 1000)).toEqual({ deadline: 10_675, marginMs: 225, capped: true });
  });

  it("keeps the configured margin whenever four times it remains", () => {
    expect(writeDeadline(0, 60_000, 1000)).toEqual({ deadline: 59_000, marginMs: 1000, capped: false });
    expect(writeDeadline(0, 4000, 1000)).toEqual({ deadline: 3000, marginMs: 1000, capped: false });
  });

  it("never takes more than its share of the remaining time, nor more than the configured margin", () => {
    fc.assert(
      fc.property(fc.nat(900_000), fc.nat(60_000), (remainingMs, safetyMarginMs) => {
        const { deadline, marginMs, capped } = writeDeadline(0, remainingMs, safetyMarginMs);

        expect(marginMs).toBeLessThanOrEqual(safetyMarginMs);
        expect(marginMs).toBeLessThanOrEqual(remainingMs * MAX_MARGIN_SHARE_OF_REMAINING);
        expect(deadline).toBe(remainingMs - marginMs);
        expect(capped).toBe(marginMs < safetyMarginMs);
      }),
    );
  });
});

describe("processBatch with less time left than the safety margin", () => {
  it("gives the writers 675 of 900 ms and says in a warn line that the margin was capped", async () => {
    const fake = fakePorts({ remainingTimeMs: 900 });

    await processBatch(kinesisEvent([plain(tweet(1))]).Records, fake.ports);

    expect(fake.deadlines).toEqual([Date.parse("2026-11-25T12:00:05.675Z")]);
    expect(fake.logLines).toContainEqual(
      expect.objectContaining({ level: "warn", remainingMs: 900, safetyMarginMs: 1000, marginMs: 225 }),
    );
  });
});
