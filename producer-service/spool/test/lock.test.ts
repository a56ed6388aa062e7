import { type ChildProcess, spawn } from "node:child_process";
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../test/support/app-harness.js";
import { Spool } from "../index.js";
import { acquireLock, LOCK_FILE, STALE_AFTER_MS } from "../lock-file.js";
import { tempDir } from "./helpers.js";

const HOLDER = fileURLToPath(new URL("./fixtures/hold-spool.ts", import.meta.url));
const options = { maxBytes: 1024 * 1024 };
/** A lock written by a producer on another host. */
const other = { pid: 1, hostname: "other-host", startedAt: "2026-01-01T00:00:00.000Z", processStart: "5" };
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

  it("refuses a fresh lock with our pid and hostname but another process start (pid 1 in two containers)", async () => {
    // Prepare: two containers on one volume, both pid 1 with the same hostname; the other one holds the lock.
    const dir = await tempDir();
    const twin = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: "2026-01-01T00:00:00.000Z",
      processStart: "7",
    };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(twin));

    // Act + Assess: fresh, it is respected and the error names the holder
    await expect(Spool.open({ dir, ...options })).rejects.toThrow(
      new RegExp(`in use by process ${process.pid} on host ${hostname()} \\(since 2026-01-01`),
    );
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toEqual(twin);
    // Act + Assess: not refreshed for longer than STALE_AFTER_MS (that process is gone), it is taken over
    const old = new Date(Date.now() - STALE_AFTER_MS - 5_000);
    await utimes(join(dir, LOCK_FILE), old, old);
    const spool = await Spool.open({ dir, ...options });
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).not.toMatchObject({ processStart: "7" });
    await spool.close();
  });

  it("does not delete at close a lock that another process has taken over", async () => {
    // Prepare: our lock was taken over (e.g. after missed refreshes) and now holds another process's content.
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...options });
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(other));

    // Act
    await spool.close();

    // Assess
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toEqual(other);
  });

  it("refreshes its own lock's mtime while it holds it, so a live holder never looks stale", async () => {
    // Prepare: a held lock made to look 2 minutes old; refreshes every 50 ms instead of every 15 s.
    const dir = await tempDir();
    const lock = await acquireLock(dir, 50);
    const old = new Date(Date.now() - 2 * STALE_AFTER_MS);
    await utimes(join(dir, LOCK_FILE), old, old);

    // Act + Assess: the next refresh makes it fresh again
    await eventually(async () => Date.now() - (await stat(join(dir, LOCK_FILE))).mtimeMs < STALE_AFTER_MS);
    await lock.release();
  });

  it("releases the directory at close, so the next process opens it", async () => {
    const dir = await tempDir();
    await (await Spool.open({ dir, ...options })).close();
    await expect(readFile(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: "ENOENT" });

    const reopened = await Spool.open({ dir, ...options });

    await reopened.close();
  });
});
