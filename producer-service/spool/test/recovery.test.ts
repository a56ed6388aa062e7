import { mkdir, readdir, readFile, rename, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Spool } from "../index.js";
import { drain, numbered, peekAll, plain, range, segmentFiles, tempDir } from "./helpers.js";

const options = { maxBytes: 1 << 20, segmentBytes: 1024 };
const FIRST = "0000000001.spool";

/** Writes `records` with a closed spool, returning the directory and each frame's end offset in segment 1. */
async function written(records = range(0, 3)): Promise<{ dir: string; bytes: Buffer; ends: number[] }> {
  const dir = await tempDir();
  const spool = await Spool.open({ dir, ...options });
  const ends: number[] = [];
  for (const record of records) {
    await spool.append([record]);
    ends.push(spool.stats().bytes);
  }
  await spool.close();
  return { dir, bytes: await readFile(join(dir, FIRST)), ends };
}

describe("torn tail", () => {
  it("cuts the last frame at every byte where a crash could have stopped the write, keeping the others", async () => {
    // Prepare
    // A short last frame keeps the loop quick; every cut inside its header and its payload is still tried.
    const { dir, bytes, ends } = await written([numbered(0), numbered(1), numbered(2, 24)]);
    const lastStart = ends[1] ?? expect.fail();
    for (let cut = lastStart; cut < bytes.length; cut++) {
      await writeFile(join(dir, FIRST), bytes.subarray(0, cut));
      // Act
      const spool = await Spool.open({ dir, ...options });
      // Assess
      expect(spool.recovery.tornTailBytes).toBe(cut - lastStart);
      expect(spool.recovery.quarantined).toEqual([]);
      expect((await stat(join(dir, FIRST))).size).toBe(lastStart);
      expect(plain(await peekAll(spool))).toEqual(plain(range(0, 2)));
      await spool.close();
    }
  });

  it("appends after a cut tail as if the torn record had never been written", async () => {
    const { dir, bytes, ends } = await written();
    await writeFile(join(dir, FIRST), bytes.subarray(0, (ends[1] ?? 0) + 5));
    const spool = await Spool.open({ dir, ...options });
    await spool.append([numbered(9)]);
    await spool.close();
    const reopened = await Spool.open({ dir, ...options });
    expect(reopened.recovery.tornTailBytes).toBe(0);
    expect(plain(await drain(reopened))).toEqual(plain([numbered(0), numbered(1), numbered(9)]));
    await reopened.close();
  });
});

describe("corruption", () => {
  it("moves bytes that fail their checksum in a sealed segment aside and delivers everything around them", async () => {
    // Prepare: several segments; flip one byte in the middle of the first.
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...options });
    await spool.append(range(0, 40));
    await spool.close();
    const files = await segmentFiles(dir);
    const first = await readFile(join(dir, FIRST));
    const flipAt = Math.floor(first.length / 2);
    first[flipAt] = (first[flipAt] ?? 0) ^ 0x01;
    await writeFile(join(dir, FIRST), first);
    // Act
    const reopened = await Spool.open({ dir, ...options });
    const delivered = await drain(reopened);
    // Assess: a prefix of segment 1, then every record of the later segments, in order, none altered.
    const [quarantine] = reopened.recovery.quarantined;
    expect(reopened.recovery.quarantined).toHaveLength(1);
    expect(quarantine?.reason).toBe("checksum mismatch");
    const validBytes = first.length - (quarantine?.bytes ?? 0);
    expect(quarantine?.file).toBe(join(dir, `${FIRST}.at-${validBytes}.corrupt`));
    expect(await readFile(quarantine?.file ?? "")).toEqual(first.subarray(validBytes));
    const expected = range(0, 40);
    const lost = expected.length - delivered.length;
    expect(lost).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(2);
    const kept = plain(delivered);
    const all = plain(expected);
    const firstKept = kept.findIndex((r, i) => r.partitionKey !== all[i]?.partitionKey);
    expect(kept).toEqual([...all.slice(0, firstKept), ...all.slice(firstKept + lost)]);
    expect(reopened.recovery.tornTailBytes).toBe(0);
    await reopened.close();
  });

  it("does not mistake a bad frame followed by more bytes in the last segment for a torn tail", async () => {
    const { dir, bytes, ends } = await written();
    const zeroed = Buffer.from(bytes);
    zeroed.fill(0, ends[0], ends[1]);
    await writeFile(join(dir, FIRST), zeroed);
    const spool = await Spool.open({ dir, ...options });
    expect(spool.recovery.tornTailBytes).toBe(0);
    expect(spool.recovery.quarantined).toMatchObject([{ bytes: bytes.length - (ends[0] ?? 0) }]);
    expect(spool.recovery.quarantined[0]?.reason).toMatch(/frame length 0 is out of range/);
    expect(plain(await peekAll(spool))).toEqual(plain([numbered(0)]));
    await spool.close();
  });
});

describe("read position", () => {
  it("deletes a segment acknowledged just before a crash instead of delivering it again", async () => {
    // Prepare: acknowledge all of segment 1, then put its file back as if the process died before deleting it.
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...options });
    await spool.append(range(0, 30));
    const firstFile = await readFile(join(dir, FIRST));
    const batch = (await spool.peek(100, 1 << 20)) ?? expect.fail();
    const count = await recordsIn(firstFile);
    await spool.ack(batch.token, count);
    await spool.close();
    await writeFile(join(dir, FIRST), firstFile);
    // Act
    const reopened = await Spool.open({ dir, ...options });
    // Assess
    expect(await segmentFiles(dir)).not.toContain(FIRST);
    expect(plain(await drain(reopened))).toEqual(plain(range(count, 30 - count)));
    await reopened.close();
  });

  it("delivers from the oldest record again when the cursor file is unreadable: repeats, never skips", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...options });
    await spool.append(range(0, 5));
    const batch = (await spool.peek(2, 1 << 20)) ?? expect.fail();
    await spool.ack(batch.token);
    await spool.close();
    await writeFile(join(dir, "cursor.json"), "");
    const reopened = await Spool.open({ dir, ...options });
    expect(reopened.recovery.cursorProblem).toBe("cursor.json is unreadable");
    expect(plain(await drain(reopened))).toEqual(plain(range(0, 5)));
    await reopened.close();
  });

  it("delivers the whole segment again when the stored offset is not the start of a record", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...options });
    await spool.append(range(0, 5));
    await spool.close();
    await writeFile(join(dir, "cursor.json"), JSON.stringify({ version: 1, segment: 1, offset: 7 }));
    const reopened = await Spool.open({ dir, ...options });
    expect(reopened.recovery.cursorProblem).toMatch(/read position 7 .* is not the start of a record/);
    expect(plain(await drain(reopened))).toEqual(plain(range(0, 5)));
    await reopened.close();
  });
});

describe("failed writes", () => {
  it("takes back a write that fails halfway through an append: nothing stored, the spool still works", async () => {
    // Prepare: the next segment's name is taken by a directory, so rotation fails after segment 1 was written.
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...options });
    await spool.append(range(0, 3));
    const before = await readFile(join(dir, FIRST));
    await mkdir(join(dir, "0000000002.spool"));
    // Act
    const failure = spool.append(range(3, 20));
    // Assess
    await expect(failure).rejects.toThrow(/spool write failed \(EEXIST\); nothing was stored/);
    expect(await readFile(join(dir, FIRST))).toEqual(before);
    expect(spool.stats().records).toBe(3);
    expect(await spool.append([numbered(3)])).toEqual({ accepted: 1 });
    expect(plain(await peekAll(spool))).toEqual(plain(range(0, 4)));
    await spool.close();
  });

  it("stops writing when a failed write cannot be taken back, and a reopen keeps every earlier record", async () => {
    // Prepare: segment 1 sealed, segment 2 the tail; the tail's file is swapped for /dev/full (ENOSPC on write,
    // EINVAL on truncate) before the reopened spool first writes to it.
    const dir = await tempDir();
    const first = await Spool.open({ dir, ...options });
    await first.append(range(0, 12));
    await first.close();
    expect(await segmentFiles(dir)).toEqual([FIRST, "0000000002.spool"]);
    const spool = await Spool.open({ dir, ...options });
    expect(spool.isBroken()).toBe(false);
    await rename(join(dir, "0000000002.spool"), join(dir, "tail.saved"));
    await symlink("/dev/full", join(dir, "0000000002.spool"));
    // Act: a second append is queued behind the one that will fail.
    const failing = spool.append([numbered(12)]);
    const queued = spool.append([numbered(13)]);
    // Assess
    await expect(failing).rejects.toThrow(/ENOSPC.*must be reopened/);
    await expect(queued).rejects.toMatchObject({ kind: "closed" });
    await expect(spool.append([numbered(14)])).rejects.toMatchObject({ kind: "closed" });
    expect(spool.isBroken()).toBe(true);
    expect(spool.recordCount).toBe(12);
    await spool.close();
    await rename(join(dir, "tail.saved"), join(dir, "0000000002.spool"));
    const reopened = await Spool.open({ dir, ...options });
    expect(plain(await drain(reopened))).toEqual(plain(range(0, 12)));
    await reopened.close();
    expect(await readdir(dir)).toEqual(["cursor.json"]);
  });
});

/** Counts the frames of a segment file by walking its length fields. */
async function recordsIn(segment: Buffer): Promise<number> {
  let count = 0;
  for (let at = 0; at < segment.length; at += 8 + segment.readUInt32BE(at)) count++;
  return count;
}
