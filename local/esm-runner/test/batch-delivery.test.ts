import { describe, expect, it } from "vitest";
import { type DeliveryPorts, deliverBatch, type InvokeOutcome } from "../batch-delivery.js";
import type { StreamRecord } from "../stream-record.js";

const records = (n: number): StreamRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    shardId: "shardId-000000000000",
    sequenceNumber: String(100 + i),
    partitionKey: `pk${i}`,
    data: Buffer.from(`r${i}`),
    approximateArrivalTimestamp: new Date(0),
  }));

/** Ports that answer each invocation from a script and remember what happened. */
function scriptedPorts(answer: (seqs: string[], call: number) => InvokeOutcome, now = () => 0) {
  const invocations: string[][] = [];
  const discarded: { seqs: string[]; condition: string; reason: string; attempts: number }[] = [];
  const ports: DeliveryPorts = {
    invoke: async (batch) => {
      const seqs = batch.map((r) => r.sequenceNumber);
      invocations.push(seqs);
      return answer(seqs, invocations.length);
    },
    discard: async (batch, condition, reason, attempts) => {
      discarded.push({ seqs: batch.map((r) => r.sequenceNumber), condition, reason, attempts });
    },
    sleep: async () => undefined,
    now,
  };
  return { ports, invocations, discarded };
}

const options = { maxRetryAttempts: 2, bisectOnError: true, retryDelayMs: 0, maxRecordAgeMs: undefined };

describe("deliverBatch", () => {
  it("invokes once when the function succeeds", async () => {
    const { ports, invocations } = scriptedPorts(() => ({ kind: "success" }));

    const stats = await deliverBatch(records(3), ports, options);

    expect(invocations).toEqual([["100", "101", "102"]]);
    expect(stats).toEqual({ invocations: 1, retries: 0, discarded: 0, expired: 0 });
  });

  it("retries from the lowest failed sequence number of a partial batch response", async () => {
    const { ports, invocations } = scriptedPorts((_seqs, call) =>
      call === 1 ? { kind: "partial", failedSequenceNumbers: ["103", "101"] } : { kind: "success" },
    );

    await deliverBatch(records(4), ports, options);

    expect(invocations).toEqual([
      ["100", "101", "102", "103"],
      ["101", "102", "103"],
    ]);
  });

  it("treats a response naming an unknown record as a failure of the whole batch", async () => {
    const { ports, invocations } = scriptedPorts((_s, call) =>
      call === 1 ? { kind: "partial", failedSequenceNumbers: ["999"] } : { kind: "success" },
    );

    await deliverBatch(records(2), ports, options);

    expect(invocations).toEqual([
      ["100", "101"],
      ["100", "101"],
    ]);
  });

  it("bisects on function error until the poisoned record is alone, then exhausts its retries", async () => {
    const { ports, invocations, discarded } = scriptedPorts((seqs) =>
      seqs.includes("102") ? { kind: "error", message: "boom" } : { kind: "success" },
    );

    const stats = await deliverBatch(records(4), ports, options);

    expect(invocations).toEqual([
      ["100", "101", "102", "103"],
      ["100", "101"],
      ["102", "103"],
      ["102"],
      ["102"],
      ["102"],
      ["103"],
    ]);
    expect(discarded).toEqual([
      { seqs: ["102"], condition: "RetryAttemptsExhausted", reason: "function error: boom", attempts: 3 },
    ]);
    expect(stats).toEqual({ invocations: 7, retries: 2, discarded: 1, expired: 0 });
  });

  it("without bisect, retries the whole batch and then sends it to the destination", async () => {
    const { ports, invocations, discarded } = scriptedPorts(() => ({ kind: "error", message: "down" }));

    await deliverBatch(records(2), ports, { ...options, bisectOnError: false });

    expect(invocations).toHaveLength(3);
    expect(discarded.map((d) => d.seqs)).toEqual([["100", "101"]]);
  });

  it("gives up on records older than the maximum record age instead of invoking with them", async () => {
    // Records arrived at 0 ms; the clock says 10 s later; the limit is 5 s.
    const { ports, invocations, discarded } = scriptedPorts(
      () => ({ kind: "success" }),
      () => 10_000,
    );

    const stats = await deliverBatch(records(3), ports, { ...options, maxRecordAgeMs: 5_000 });

    expect(invocations).toEqual([]);
    expect(discarded).toEqual([
      {
        seqs: ["100", "101", "102"],
        condition: "RecordAgeExceeded",
        reason: "older than the maximum record age (5000 ms)",
        attempts: 0,
      },
    ]);
    expect(stats).toEqual({ invocations: 0, retries: 0, discarded: 3, expired: 3 });
  });

  it("stops retrying records that age out between attempts, and invokes with the younger ones", async () => {
    // Each attempt moves the clock 4 s on; records 100 and 101 arrived at 0 ms, 102 and 103 at 6 s.
    let clock = 0;
    const batch = records(4).map((r, i) => ({
      ...r,
      approximateArrivalTimestamp: new Date(i < 2 ? 0 : 6_000),
    }));
    const { ports, invocations, discarded } = scriptedPorts(
      (_seqs, call) => {
        clock += 4_000;
        return call === 1 ? { kind: "error", message: "down" } : { kind: "success" };
      },
      () => clock + 6_000,
    );

    await deliverBatch(batch, ports, { ...options, bisectOnError: false, maxRecordAgeMs: 9_000 });

    expect(invocations).toEqual([
      ["100", "101", "102", "103"],
      ["102", "103"],
    ]);
    expect(discarded.map((d) => [d.seqs, d.condition])).toEqual([[["100", "101"], "RecordAgeExceeded"]]);
  });
});
