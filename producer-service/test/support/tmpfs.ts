import { spawnSync } from "node:child_process";
import { mkdtempSync, rmdirSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SystemTool } from "../../../test-support/system-tools.js";

/**
 * Whether this process may mount a tmpfs (root, or CAP_SYS_ADMIN): the full-disk tests need a real small
 * file system that fills up, which nothing else gives without faking the kernel's answers.
 */
function probeTmpfs(): boolean {
  if (process.platform !== "linux") return false;
  const dir = mkdtempSync(join(tmpdir(), "tmpfs-probe-"));
  try {
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "ignore" });
    if (mounted.status !== 0) return false;
    spawnSync("umount", [dir], { stdio: "ignore" });
    return true;
  } finally {
    rmdirSync(dir);
  }
}

export const rootTmpfs: SystemTool = {
  name: "root-tmpfs",
  present: probeTmpfs(),
  enable: "run as root (mount -t tmpfs needs CAP_SYS_ADMIN)",
};

export interface Tmpfs {
  dir: string;
  /** Writes a file of zeros until the disk is full, or `bytes` if given; returns what it wrote. */
  ballast(name: string, bytes?: number): Promise<number>;
  unmount(): Promise<void>;
}

export async function mountTmpfs(sizeBytes: number): Promise<Tmpfs> {
  const dir = mkdtempSync(join(tmpdir(), "tmpfs-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes}`, "tmpfs", dir], {
    encoding: "utf8",
  });
  if (mounted.status !== 0) throw new Error(`mount tmpfs failed: ${mounted.stderr}`);
  return {
    dir,
    async ballast(name, bytes = Number.POSITIVE_INFINITY) {
      const handle = await open(join(dir, name), "w");
      const chunk = Buffer.alloc(4096);
      let written = 0;
      try {
        while (written < bytes) {
          written += (await handle.write(chunk, 0, Math.min(chunk.length, bytes - written))).bytesWritten;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      } finally {
        await handle.close();
      }
      return written;
    },
    async unmount() {
      spawnSync("umount", ["-l", dir], { stdio: "ignore" });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
