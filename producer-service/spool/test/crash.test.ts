import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Spool } from "../index.js";
import { checkNumbered } from "./fixtures/numbered.js";
import { segmentFiles, tempDir } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./fixtures/append-until-killed.ts", import.meta.url));
const TRIALS = 4;

/** What the child reported as finished before it died: the last number stored, and the last acknowledged. */
interface Reported {
  readonly appended: number | undefined;
  readonly acked: number | undefined;
}

async function runUntilKilled(dir: string, first: number, killAfterMs: number): Promise<Reported> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, String(first)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  await waitForReady(
    child,
    () => stdout,
    () => stderr,
  );
  await sleep(killAfterMs);
  child.kill("SIGKILL");
  const [code, signal] = await closed;
  expect({ code, signal, stderr }).toEqual({ code: null, signal: "SIGKILL", stderr: "" });
  return { appended: lastNumber(stdout, "A"), acked: lastNumber(stdout, "K") };
}

async function waitForReady(child: ChildProcess, stdout: () => string, stderr: () => string): Promise<void> {
  for (let waited = 0; !stdout().startsWith("ready\n"); waited += 10) {
    if (child.exitCode !== null || waited > 15_000) throw new Error(`child did not start: ${stderr()}`);
    await sleep(10);
  }
}

function lastNumber(stdout: string, tag: "A" | "K"): number | undefined {
  const lines = stdout.split("\n").filter((line) => line.startsWith(`${tag} `));
  const last = lines.at(-1);
  return last === undefined ? undefined : Number(last.slice(2));
}

describe("SIGKILL while appending and acknowledging", () => {
  it("reads back every record whose append finished, intact and in order, with the torn tail removed", async () => {
    const dir = await tempDir();
    // The number the next child starts at, and the last number acknowledged as found by the last recovery.
    let next = 0;
    let ackedThrough = -1;
    for (let trial = 0; trial < TRIALS; trial++) {
      // Prepare + Act: a child appends (and sometimes acknowledges) until killed at a random moment.
      const killAfterMs = 30 + Math.floor(Math.random() * 250);
      const reported = await runUntilKilled(dir, next, killAfterMs);
      const context = `trial ${trial}, killed after ${killAfterMs} ms, child reported ${JSON.stringify(reported)}`;

      // Assess
      const spool = await Spool.open({ dir, maxBytes: 8 * 1024 * 1024, segmentBytes: 256 * 1024 });
      expect(spool.recovery.quarantined, context).toEqual([]);
      expect(spool.recovery.cursorProblem, context).toBeUndefined();
      const records = (await spool.peek(1_000_000, Number.MAX_SAFE_INTEGER))?.records ?? [];
      const numbers = records.map(checkNumbered);
      expect(
        numbers.every((record) => record.intact),
        context,
      ).toBe(true);
      // Bounds from what the child reported: an append (up to 16 records) or an ack (up to 50) may have finished
      // without its line being written before the kill.
      const appended = reported.appended ?? next - 1;
      const acked = reported.acked ?? ackedThrough;
      const first = numbers[0]?.n;
      const last = numbers.at(-1)?.n;
      if (first === undefined || last === undefined) {
        // Everything stored was acknowledged: the last append was reported before its ack began.
        expect(appended, context).toBeLessThanOrEqual(acked + 50);
        next = appended + 1;
        ackedThrough = appended;
      } else {
        expect(
          numbers.map((record) => record.n),
          context,
        ).toEqual(numbers.map((_, i) => first + i));
        expect(first - 1, context).toBeGreaterThanOrEqual(acked);
        expect(first - 1, context).toBeLessThanOrEqual(acked + 50);
        // Every record whose append was reported is there, unless acknowledged.
        expect(last, context).toBeGreaterThanOrEqual(appended);
        expect(last, context).toBeLessThanOrEqual(appended + 16);
        next = last + 1;
        ackedThrough = first - 1;
      }
      // No garbage left on disk: the files hold exactly the valid frames.
      const sizes = await Promise.all(
        (await segmentFiles(dir)).map(async (name) => (await stat(join(dir, name))).size),
      );
      expect(
        sizes.reduce((sum, size) => sum + size, 0),
        context,
      ).toBe(spool.stats().bytes);
      await spool.close();
    }
    expect(next, "the children appended nothing").toBeGreaterThan(0);
  });
});
