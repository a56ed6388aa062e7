import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import {
  descendants,
  findDescendantByExecutable,
  isAlive,
  parseStat,
  processUids,
} from "../lib/process-tree.js";

describe("parseStat", () => {
  it("reads pid and parent pid even when the command name holds spaces and parentheses", () => {
    expect(parseStat("4242 (weird) name)) S 17 4242 4242 0 -1 4194560")).toEqual({ pid: 4242, ppid: 17 });
  });

  it("names a line it cannot read", () => {
    expect(() => parseStat("garbage")).toThrow(/unparseable \/proc stat line: garbage/);
  });
});

describe("process tree lookups on this machine", () => {
  it("finds a grandchild by its executable, with its uids", async () => {
    // Prepare: sh → sleep, as buildah run → … → node.
    const shell = spawn("sh", ["-c", "sleep 30 & wait"], { stdio: "ignore" });
    try {
      let sleeper: number | undefined;
      for (let i = 0; i < 50 && sleeper === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        sleeper = findDescendantByExecutable(process.pid, "sleep");
      }

      expect(sleeper).toBeDefined();
      expect(descendants(process.pid)).toEqual(expect.arrayContaining([shell.pid, sleeper]));
      expect(descendants(shell.pid ?? -1)).toEqual([sleeper]);
      expect(processUids(sleeper ?? -1)).toEqual(Array(4).fill(process.getuid?.()));
      expect(findDescendantByExecutable(process.pid, "no-such-binary")).toBeUndefined();
    } finally {
      shell.kill("SIGKILL");
      await once(shell, "close");
    }
  });

  it("tells live from gone processes", async () => {
    const child = spawn("true");
    await once(child, "close");
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(child.pid ?? -1)).toBe(false);
  });
});
