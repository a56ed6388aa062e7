import { describe, expect, it } from "vitest";
import { cutIntoChunks, cutPerMessage, renderStream } from "../input/x-wire.js";

describe("the bench's X stream input", () => {
  const body = renderStream(300);

  it("is X's wire format: one JSON message per line, ended by \\r\\n, with the author expanded", () => {
    const lines = body.toString("utf8").split("\r\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(300);
    const message = JSON.parse(lines[0] as string);
    expect(Object.keys(message)).toEqual(["data", "includes", "matching_rules"]);
    expect(message.includes.users[0].id).toBe(message.data.author_id);
    expect(lines.some((line) => Buffer.byteLength(line) > line.length)).toBe(true);
  });

  it("cuts into network-sized reads that add up to the body and count each message once", () => {
    const chunks = cutIntoChunks(body, 512, 4096);
    expect(Buffer.concat(chunks.map((c) => c.bytes)).equals(body)).toBe(true);
    expect(chunks.reduce((sum, c) => sum + c.completes, 0)).toBe(300);
    expect(chunks.slice(0, -1).every((c) => c.bytes.length >= 512 && c.bytes.length <= 4096)).toBe(true);
    // Reads end anywhere, so some end inside a multi-byte character.
    expect(chunks.some((c) => ((c.bytes.at(-1) as number) & 0xc0) === 0x80)).toBe(true);
  });

  it("cuts per message for paced runs", () => {
    const chunks = cutPerMessage(body);
    expect(chunks).toHaveLength(300);
    expect(chunks.every((c) => c.bytes.subarray(-2).toString() === "\r\n")).toBe(true);
  });
});
