import { describe, expect, it } from "vitest";
import { KinesisHealth } from "../kinesis/health.js";
import { checkReadiness } from "../readiness.js";

function healthyKinesis(): KinesisHealth {
  const health = new KinesisHealth();
  health.reportPut(true, "last PutRecords succeeded");
  return health;
}

const spoolState = (state: { full?: boolean; broken?: boolean }) => ({
  isFull: () => state.full ?? false,
  isBroken: () => state.broken ?? false,
});

describe("checkReadiness", () => {
  it("is ready when X is connected, Kinesis answered and the spool accepts records", () => {
    const report = checkReadiness({ connected: true }, healthyKinesis(), spoolState({}));

    expect(report.ready).toBe(true);
  });

  it.each([
    ["full", { full: true }, /spool full/],
    ["broken", { broken: true }, /spool broken.*restart/],
  ])("is not ready when the spool is %s, and says why", (_name, state, detail) => {
    const report = checkReadiness({ connected: true }, healthyKinesis(), spoolState(state));

    expect(report.ready).toBe(false);
    expect(report.checks.spool?.detail).toMatch(detail);
  });

  it("is not ready before Kinesis has answered", () => {
    const report = checkReadiness({ connected: true }, new KinesisHealth(), undefined);

    expect(report).toMatchObject({ ready: false, checks: { kinesis: { ok: false } } });
  });
});
