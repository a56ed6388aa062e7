import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rootfsChanges, snapshotRootfs } from "../lib/rootfs-snapshot.js";

describe("root filesystem snapshots", () => {
  it("reports added, changed and removed files, but not a directory whose entries came and went", async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), "rootfs-"));
    mkdirSync(join(root, "run"));
    mkdirSync(join(root, "app"));
    writeFileSync(join(root, "app/code.js"), "1");
    writeFileSync(join(root, "app/gone.js"), "1");
    const before = await snapshotRootfs(root);

    // Act: buildah-style mount point churn in run/, plus real writes in app/ and tmp/.
    writeFileSync(join(root, "run/.containerenv"), "");
    rmSync(join(root, "run/.containerenv"));
    writeFileSync(join(root, "app/code.js"), "22");
    rmSync(join(root, "app/gone.js"));
    mkdirSync(join(root, "tmp"));
    writeFileSync(join(root, "tmp/cache"), "x");
    const after = await snapshotRootfs(root);

    // Assess
    expect(rootfsChanges(before, after)).toEqual(["+ tmp", "+ tmp/cache", "- app/gone.js", "~ app/code.js"]);
    rmSync(root, { recursive: true });
  });

  it("sees a rewrite that keeps the size by its modification time", async () => {
    const root = mkdtempSync(join(tmpdir(), "rootfs-"));
    writeFileSync(join(root, "f"), "a");
    utimesSync(join(root, "f"), 1, 1);
    const before = await snapshotRootfs(root);
    writeFileSync(join(root, "f"), "b");

    expect(rootfsChanges(before, await snapshotRootfs(root))).toEqual(["~ f"]);
    rmSync(root, { recursive: true });
  });
});
