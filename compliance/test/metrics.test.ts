import { describe, expect, it } from "vitest";
import { metricsLine } from "../metrics.js";
import { emptySummary, type SweepSummary } from "../summary.js";

const emitted = (change: Partial<SweepSummary>) =>
  JSON.parse(metricsLine({ ...emptySummary(false), ...change }, "sweeper", 0)) as Record<string, number>;

describe("metricsLine (the sweep's CloudWatch EMF line)", () => {
  it.each([
    ["a completed job", { jobsCompleted: 1 }],
    ["slices of a large file applied", { resultLinesApplied: 250 }],
    ["a pass completed (an empty table)", { passCompleted: true }],
  ] as const)("counts a clean sweep with %s as succeeded", (_, change) => {
    expect(emitted(change)).toMatchObject({ SweepSucceeded: 1, SweepErrors: 0, JobsFailed: 0 });
  });

  it.each([
    ["a failed job", { jobsFailed: 1, jobsCompleted: 1 }],
    ["an expired job", { jobsExpired: 1, jobsCompleted: 1 }],
    ["an error", { errors: 1, jobsCompleted: 1 }],
    ["deletes DynamoDB refused", { deleteFailures: 3, jobsCompleted: 1, resultLinesApplied: 250 }],
    ["nothing applied (jobs still running, or a file stopped mid-slice)", { jobsPending: 2 }],
  ] as const)("does not count a sweep with %s as succeeded, so the two-day alarm fires", (_, change) => {
    expect(emitted(change).SweepSucceeded).toBe(0);
  });

  it("emits deletions and scrubs of a dry run as 0: nothing was deleted", () => {
    const dry = JSON.parse(
      metricsLine({ ...emptySummary(true), itemsDeleted: 7, geoScrubbed: 3 }, "sweeper", 0),
    ) as Record<string, number>;
    expect(dry).toMatchObject({ ItemsDeleted: 0, GeoScrubbed: 0 });
    expect(emitted({ itemsDeleted: 7, geoScrubbed: 3 })).toMatchObject({ ItemsDeleted: 7, GeoScrubbed: 3 });
  });
});
