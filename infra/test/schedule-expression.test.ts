import { describe, expect, it } from "vitest";
import { readInfraConfig } from "../config.js";
import { scheduleProblem, shortestIntervalSeconds } from "../schedule-expression.js";

// Issue 19 item 6: `cron(0 3 * * * *)` (both day fields set) and `cron(a b c d e f)` passed our check and
// Terraform's plan, and failed at apply. Each case below is what EventBridge accepts or refuses.
describe("COMPLIANCE_SCHEDULE as EventBridge checks it", () => {
  it.each([
    ["cron(0 3 * * * *)", /exactly one of day-of-month and day-of-week must be \?/],
    ["cron(0 3 ? * ? *)", /exactly one of day-of-month and day-of-week must be \?/],
    ["cron(a b c d e f)", /cron minutes field "a"/],
    ["cron(60 3 * * ? *)", /minutes field "60": "60" is outside 0-59/],
    ["cron(0 24 * * ? *)", /hours field "24"/],
    ["cron(0 3 32 * ? *)", /day-of-month field "32"/],
    ["cron(0 3 ? 13 MON *)", /month field "13"/],
    ["cron(0 3 ? * FUNDAY *)", /day-of-week field "FUNDAY"/],
    ["cron(0 3 ? * MON 1969)", /year field "1969"/],
    ["cron(? 3 * * ? *)", /\? is allowed only in day-of-month and day-of-week/],
    ["cron(*/0 3 * * ? *)", /step 0 must be at least 1/],
    ["cron(0 3 * * ?)", /got 5 fields/],
  ])("rejects %s with a message naming the problem", (schedule, problem) => {
    expect(scheduleProblem(schedule)).toMatch(problem);
    expect(() => readInfraConfig({ COMPLIANCE_SCHEDULE: schedule })).toThrow(
      new RegExp(`COMPLIANCE_SCHEDULE: [^\\n]*${problem.source}`),
    );
  });

  it.each([
    "cron(0 3 * * ? *)",
    "cron(15 2 ? * MON-FRI *)",
    "cron(0 3 L * ? *)",
    "cron(0 3 15W * ? *)",
    "cron(0 3 ? * 6#3 *)",
    "cron(0 3 ? * 2L 2027)",
    "cron(0 0/6 * JAN,JUL ? *)",
    "rate(1 day)",
  ])("accepts %s", (schedule) => {
    expect(scheduleProblem(schedule)).toBeUndefined();
    expect(readInfraConfig({ COMPLIANCE_SCHEDULE: schedule }).compliance?.schedule).toBe(schedule);
  });

  it.each([
    ["cron(0/10 * * * ? *)", 600],
    ["cron(0,5 3 * * ? *)", 300],
    ["cron(0 22-2 * * ? *)", 3600],
    ["cron(0 3 * * ? *)", 86_400],
    ["cron(30 23 ? * MON *)", 86_400],
    ["cron(0 0,23 * * ? *)", 3600],
    ["rate(2 hours)", 7200],
  ])("knows %s fires %i s apart at its closest", (schedule, seconds) => {
    expect(shortestIntervalSeconds(schedule)).toBe(seconds);
  });

  it("applies the overlap check to cron: firings closer than the timeout are refused", () => {
    expect(() =>
      readInfraConfig({ COMPLIANCE_SCHEDULE: "cron(0/10 * * * ? *)", COMPLIANCE_TIMEOUT_SECONDS: "900" }),
    ).toThrow(/COMPLIANCE_SCHEDULE: must be longer than COMPLIANCE_TIMEOUT_SECONDS \(900 s\).*600 s apart/);
    expect(
      readInfraConfig({ COMPLIANCE_SCHEDULE: "cron(0/20 * * * ? *)", COMPLIANCE_TIMEOUT_SECONDS: "900" })
        .compliance?.schedule,
    ).toBe("cron(0/20 * * * ? *)");
  });
});
