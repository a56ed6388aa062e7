import { describe, expect, it } from "vitest";
import { metricsLine } from "../metrics.js";
import { emptySummary, type SweepSummary } from "../summary.js";

const emitted = (change: Partial<SweepSummary>) =>
  JSON.parse(metricsLine({ ...emptySummary(false), ...change }, "sweeper", 0)) as Record<string, number>;

describe("metricsLine (the sweep's CloudWatch EMF line)", () => {
  it("counts a clean sweep as succeeded", () => {
    expect(emitted({})).toMatchObject({ SweepSucceeded: 1, SweepErrors: 0, JobsFailed: 0 });
  });

  it.each([
    ["a failed job", { jobsFailed: 1 }],
    ["an expired job", { jobsExpired: 1 }],
    ["an error", { errors: 1 }],
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
