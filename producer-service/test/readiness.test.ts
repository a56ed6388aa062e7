import { describe, expect, it } from "vitest";
import { KinesisHealth } from "../kinesis/health.js";
import { nextSpoolState, type SpoolNotes, spoolCheck } from "../kinesis/spool-state.js";
import { checkReadiness } from "../readiness.js";

function healthyKinesis(): KinesisHealth {
  const health = new KinesisHealth();
  health.reportPut(true, "last PutRecords succeeded");
  return health;
}

const quiet: SpoolNotes = {
  fullCause: "SPOOL_MAX_BYTES reached",
  readFailure: undefined,
  unsavedAcknowledged: 0,
  lostRecords: 0,
  quarantineFiles: [],
};

describe("checkReadiness", () => {
  it("is ready when X is connected, Kinesis answered and the spool accepts records", () => {
    const report = checkReadiness({ connected: true }, healthyKinesis(), spoolCheck("draining", quiet));

    expect(report.ready).toBe(true);
  });

  it.each([
    ["full", spoolCheck("full", quiet), /spool full \(SPOOL_MAX_BYTES reached\): reading from X is paused/],
    ["broken", spoolCheck("broken", quiet), /spool broken.*restart/],
    ["unreadable", spoolCheck("draining", { ...quiet, readFailure: "EIO" }), /spool cannot be read \(EIO\)/],
  ])("is not ready when the spool is %s, and says why", (_name, check, detail) => {
    const report = checkReadiness({ connected: true }, healthyKinesis(), check);

    expect(report.ready).toBe(false);
    expect(report.checks.spool?.detail).toMatch(detail);
  });

  it("names quarantined bytes and an unsaved read position while still taking records", () => {
    const check = spoolCheck("draining", {
      ...quiet,
      lostRecords: 12,
      quarantineFiles: ["/s/0000000001.spool.at-0.corrupt"],
      unsavedAcknowledged: 500,
    });

    expect(check.ok).toBe(true);
    expect(check.detail).toMatch(/12 records lost, bytes kept in \/s\/0000000001.spool.at-0.corrupt/);
    expect(check.detail).toMatch(/a crash now would resend 500 records/);
  });

  it("is not ready before Kinesis has answered", () => {
    const report = checkReadiness({ connected: true }, new KinesisHealth(), undefined);

    expect(report).toMatchObject({ ready: false, checks: { kinesis: { ok: false } } });
  });
});

describe("nextSpoolState", () => {
  it.each([
    ["memory", { kind: "spilled" }, "spilling"],
    ["spilling", { kind: "stored", waiting: 0, spoolRecords: 10 }, "draining"],
    ["spilling", { kind: "stored", waiting: 5, spoolRecords: 10 }, "spilling"],
    ["draining", { kind: "drained", waiting: 0, spoolRecords: 0 }, "memory"],
    ["spilling", { kind: "refused" }, "full"],
    ["full", { kind: "spilled" }, "full"],
    ["full", { kind: "drained", waiting: 3, spoolRecords: 10 }, "full"],
    ["full", { kind: "drained", waiting: 0, spoolRecords: 0 }, "memory"],
    ["full", { kind: "stored", waiting: 0, spoolRecords: 10 }, "draining"],
    ["draining", { kind: "broke" }, "broken"],
    ["broken", { kind: "stored", waiting: 0, spoolRecords: 0 }, "broken"],
  ] as const)("%s + %o -> %s", (from, event, to) => {
    expect(nextSpoolState(from, event)).toBe(to);
  });
});
