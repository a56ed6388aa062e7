import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Spool, SpoolError } from "../index.js";
import { drain, numbered, peekAll, plain, range, segmentFiles, tempDir } from "./helpers.js";

const small = { maxBytes: 1 << 20, segmentBytes: 1024 };

describe("append, peek and ack", () => {
  it("delivers records first in, first out across segment rotations, then leaves no file behind", async () => {
    // Prepare
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...small });
    // Act
    for (let n = 0; n < 60; n += 6) expect(await spool.append(range(n, 6))).toEqual({ accepted: 6 });
    const before = spool.stats();
    const files = await segmentFiles(dir);
    const modes = await Promise.all(
      [files[0] ?? "", "cursor.json"].map(async (f) => (await stat(join(dir, f))).mode),
    );
    const delivered = await drain(spool);
    // Assess
    expect(before.records).toBe(60);
    expect(before.segments).toBeGreaterThan(4);
    expect(files).toHaveLength(before.segments);
    expect(files[0]).toBe("0000000001.spool");
    expect(modes.map((mode) => mode & 0o777)).toEqual([0o600, 0o600]); // they hold tweets: owner only
    expect(plain(delivered)).toEqual(plain(range(0, 60)));
    expect(spool.stats()).toEqual({ records: 0, bytes: 0, maxBytes: 1 << 20, segments: 0 });
    expect(await segmentFiles(dir)).toEqual([]);
    expect(await spool.peek(10, 1000)).toBeUndefined();
    await spool.close();
  });

  it("keeps each segment under segmentBytes unless a single record is larger", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...small });
    await spool.append([...range(0, 20), numbered(20, 3000), ...range(21, 5)]);
    const sizes = await Promise.all(
      (await segmentFiles(dir)).map(async (f) => (await stat(join(dir, f))).size),
    );
    expect(sizes.filter((size) => size > 1024)).toHaveLength(1);
    expect(sizes.reduce((a, b) => a + b)).toBe(spool.stats().bytes);
    expect(plain(await drain(spool, 4))).toEqual(
      plain([...range(0, 20), numbered(20, 3000), ...range(21, 5)]),
    );
    await spool.close();
  });

  it("returns the same records when peeked twice, and honours maxRecords and maxBytes", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...small });
    await spool.append([numbered(0, 100), numbered(1, 100), numbered(2, 500), numbered(3, 100)]);
    const first = await spool.peek(10, 220);
    const again = await spool.peek(10, 220);
    const one = await spool.peek(1, 1_000_000);
    expect(plain(first?.records ?? [])).toEqual(plain([numbered(0, 100), numbered(1, 100)]));
    expect(first?.bytes).toBe(2 * (100 + "key-0".length));
    expect(plain(again?.records ?? [])).toEqual(plain(first?.records ?? []));
    expect(one?.records).toHaveLength(1);
    await spool.ack(first?.token ?? expect.fail("no batch"));
    // A record larger than maxBytes comes alone rather than blocking the spool forever.
    const big = await spool.peek(10, 50);
    expect(plain(big?.records ?? [])).toEqual(plain([numbered(2, 500)]));
    await spool.close();
  });

  it("acknowledges a prefix of a batch when given a count", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...small });
    await spool.append(range(0, 30));
    const batch = await spool.peek(25, 1 << 20);
    await spool.ack(batch?.token ?? expect.fail("no batch"), 17);
    expect(spool.stats().records).toBe(13);
    expect(plain(await drain(spool))).toEqual(plain(range(17, 13)));
    await spool.close();
  });

  it("refuses a token already acknowledged, from another spool, or with a count beyond the batch", async () => {
    const spool = await Spool.open({ dir: await tempDir(), ...small });
    const other = await Spool.open({ dir: await tempDir(), ...small });
    await spool.append(range(0, 5));
    await other.append(range(0, 5));
    const batch = (await spool.peek(2, 1 << 20)) ?? expect.fail("no batch");
    const foreign = (await other.peek(2, 1 << 20)) ?? expect.fail("no batch");
    await expect(spool.ack(batch.token, 3)).rejects.toMatchObject({ kind: "argument" });
    await expect(spool.peek(0, 100)).rejects.toThrow(
      /maxRecords must be a whole number of at least 1, got 0/,
    );
    await expect(spool.ack(foreign.token)).rejects.toMatchObject({ kind: "stale-token" });
    await spool.ack(batch.token);
    await expect(spool.ack(batch.token)).rejects.toThrow(/already acknowledged/);
    expect(plain(await peekAll(spool))).toEqual(plain(range(2, 3)));
    await Promise.all([spool.close(), other.close()]);
  });
});

describe("restart", () => {
  it("keeps every unacknowledged record, and the read position, across close and open", async () => {
    const dir = await tempDir();
    const first = await Spool.open({ dir, ...small });
    await first.append(range(0, 40));
    const batch = (await first.peek(13, 1 << 20)) ?? expect.fail("no batch");
    await first.ack(batch.token);
    await first.close();

    const second = await Spool.open({ dir, ...small });
    expect(second.stats().records).toBe(27);
    expect(second.recovery).toEqual({ tornTailBytes: 0, quarantined: [], cursorProblem: undefined });
    await second.append(range(40, 5));
    await second.close();

    const third = await Spool.open({ dir, ...small });
    expect(plain(await drain(third))).toEqual(plain(range(13, 32)));
    await third.close();
  });
});

describe("capacity", () => {
  it("stores the prefix that fits, reports full, keeps what it holds intact, and accepts again after an ack", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, maxBytes: 4096, segmentBytes: 1024 });
    const offered = range(0, 60);
    const { accepted } = await spool.append(offered);
    const stored = await readStoredBytes(dir);
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(60);
    expect(spool.isFull()).toBe(true);
    expect(spool.stats().bytes).toBeLessThanOrEqual(4096);

    // Further appends are refused without touching the files.
    expect(await spool.append(range(100, 3))).toEqual({ accepted: 0 });
    expect(await readStoredBytes(dir)).toEqual(stored);
    expect(plain(await peekAll(spool))).toEqual(plain(offered.slice(0, accepted)));

    // Acknowledging the first segment frees it.
    const batch = (await spool.peek(4, 1 << 20)) ?? expect.fail("no batch");
    await spool.ack(batch.token);
    expect(spool.isFull()).toBe(true); // the head segment is only partly acknowledged: no space freed yet
    const rest = (await spool.peek(1000, 1 << 20)) ?? expect.fail("no batch");
    await spool.ack(rest.token, rest.records.length - 1);
    expect(spool.isFull()).toBe(false);
    expect((await spool.append([numbered(500)])).accepted).toBe(1);
    await spool.close();

    const reopened = await Spool.open({ dir, maxBytes: 4096, segmentBytes: 1024 });
    expect(plain(await drain(reopened))).toEqual(
      plain([offered[accepted - 1] ?? expect.fail(), numbered(500)]),
    );
    await reopened.close();
  });
});

async function readStoredBytes(dir: string): Promise<Buffer[]> {
  return Promise.all((await segmentFiles(dir)).map((name) => readFile(join(dir, name))));
}

describe("errors", () => {
  it("rejects a record it can never hold, naming it, and stores nothing of that append", async () => {
    const spool = await Spool.open({ dir: await tempDir(), ...small });
    const badKey = { ...numbered(1), partitionKey: "k".repeat(70_000) };
    const badTime = { ...numbered(2), receivedAt: Number.NaN };
    await expect(spool.append([numbered(0), badKey])).rejects.toThrow(
      /record 1 of 2: partition key is 70000 bytes/,
    );
    await expect(spool.append([badTime])).rejects.toMatchObject({ kind: "record-invalid" });
    // A lone surrogate would come back as U+FFFD: a different partition key, so it is refused up front.
    await expect(spool.append([{ ...numbered(3), partitionKey: "a\uD800b" }])).rejects.toThrow(/well-formed/);
    expect((await spool.append([{ ...numbered(4), partitionKey: "ключ-🔑" }])).accepted).toBe(1);
    expect((await peekAll(spool))[0]?.partitionKey).toBe("ключ-🔑");
    expect(spool.stats().records).toBe(1);
    await spool.close();
  });

  it("names a spool directory that cannot be used", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "plain-file"), "x");
    await expect(Spool.open({ dir: join(dir, "plain-file"), ...small })).rejects.toThrow(
      /spool directory ".*plain-file" exists and is not a directory \(EEXIST\)/,
    );
    await expect(Spool.open({ dir: join(dir, "plain-file", "sub"), ...small })).rejects.toMatchObject({
      kind: "directory",
    });
  });

  it("rejects out-of-range options with the option's name", async () => {
    const dir = await tempDir();
    await expect(Spool.open({ dir, maxBytes: 10 })).rejects.toThrow(/maxBytes must be a whole number/);
    await expect(Spool.open({ dir, maxBytes: 4096, segmentBytes: 8192 })).rejects.toThrow(
      /must not exceed maxBytes/,
    );
    await expect(Spool.open({ dir: " ", maxBytes: 4096 })).rejects.toMatchObject({ kind: "options" });
  });

  it("allows one open spool per directory, and refuses work once closed", async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, ...small });
    await expect(Spool.open({ dir, ...small })).rejects.toMatchObject({ kind: "in-use" });
    await spool.close();
    await expect(spool.append([numbered(0)])).rejects.toBeInstanceOf(SpoolError);
    await expect(spool.peek(1, 1)).rejects.toMatchObject({ kind: "closed" });
    const again = await Spool.open({ dir, ...small });
    await again.close();
  });
});
