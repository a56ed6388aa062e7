import { type ChildProcess, spawn } from "node:child_process";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../index.js";
import { LOCK_FILE, STALE_AFTER_MS } from "../lock-file.js";
import { tempDir } from "./helpers.js";

const HOLDER = fileURLToPath(new URL("./fixtures/hold-spool.ts", import.meta.url));
const options = { maxBytes: 1024 * 1024 };
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Starts a process that opens the spool in `dir` and holds it; resolves once it has. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => String(chunk).includes("held") && resolve());
    child.once("exit", (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

describe("one process per spool directory", () => {
  it("refuses a second process while the first holds the directory, naming the holder", async () => {
    // Prepare
    const dir = await tempDir();
    const child = await holdInChild(dir);

    // Act
    const opening = Spool.open({ dir, ...options });

    // Assess
    await expect(opening).rejects.toMatchObject({ kind: "in-use" });
    await expect(opening).rejects.toThrow(
      new RegExp(`in use by process ${child.pid} on host ${hostname()} .*delete .*${LOCK_FILE}`),
    );
  }, 30_000);

  it("takes over the lock of a process that died without releasing it (SIGKILL)", async () => {
    // Prepare
    const dir = await tempDir();
    const child = await holdInChild(dir);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: child.pid });

    // Act
    const spool = await Spool.open({ dir, ...options });

    // Assess
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    await spool.close();
  }, 30_000);

  it("refuses a lock another host refreshes, and takes over one it stopped refreshing", async () => {
    // Prepare: a lock written by a producer on another host (a rolling update on a shared volume).
    const dir = await tempDir();
    const other = {
      pid: 1,
      hostname: "other-host",
      startedAt: "2026-01-01T00:00:00.000Z",
      processStart: "5",
    };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(other));

    // Act + Assess: fresh, it is respected
    await expect(Spool.open({ dir, ...options })).rejects.toThrow(/in use by process 1 on host other-host/);
    // Act + Assess: not refreshed for longer than STALE_AFTER_MS, it is taken over
    const old = new Date(Date.now() - STALE_AFTER_MS - 5_000);
    await utimes(join(dir, LOCK_FILE), old, old);
    const spool = await Spool.open({ dir, ...options });
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ hostname: hostname() });
    await spool.close();
  });

  it("releases the directory at close, so the next process opens it", async () => {
    const dir = await tempDir();
    await (await Spool.open({ dir, ...options })).close();
    await expect(readFile(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: "ENOENT" });

    const reopened = await Spool.open({ dir, ...options });

    await reopened.close();
  });
});
