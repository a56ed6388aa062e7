import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { describeWithTools, systemTool } from "../../test-support/system-tools.js";

const dir = new URL("..", import.meta.url).pathname;

/** Runs promtool from this folder (apt package `prometheus`). */
function promtool(...args: string[]) {
  const result = spawnSync("promtool", args, { cwd: dir, encoding: "utf8", timeout: 20_000 });
  if (result.error) throw new Error(`promtool ${args.join(" ")}: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describeWithTools([systemTool("promtool")], "alert rules", () => {
  it("pass promtool check rules", () => {
    const { status, output } = promtool("check", "rules", "prometheus/alerts.yml");
    expect(output).toContain("SUCCESS: 14 rules found");
    expect(status).toBe(0);
  });

  it("pass their promtool unit tests (firing and quiet cases of every alert)", () => {
    const { status, output } = promtool("test", "rules", "test/alerts.promtool.yml");
    expect(output).toContain("SUCCESS");
    expect(status, output).toBe(0);
  });

  it("load from the compose Prometheus config", () => {
    const { status, output } = promtool("check", "config", "prometheus/prometheus.yml");
    expect(output).toContain("SUCCESS: 1 rule files found");
    expect(status, output).toBe(0);
  });
});
