import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
  MAX_SPOOL_RECORD_BYTES,
  probeFrame,
  type SpoolRecord,
} from "../frame.js";

// The spool frame's limits, each at its boundary: what is written must read back byte for byte, what is over a
// limit must be refused before it is written, and a damaged frame must be reported, never read as a record.
// StrykerJS found these boundaries untested (issue 21 item 6).
const FIXED = 11; // version, receivedAt, key length
const record = (partitionKey: string, dataBytes: number): SpoolRecord => ({
  partitionKey,
  data: Buffer.alloc(dataBytes, 0x61),
  receivedAt: 1_796_000_000_123.5,
});
const roundTrip = (r: SpoolRecord) => {
  const frame = encodeFrame(r);
  const probe = probeFrame(frame, frame.length);
  return { probe, decoded: probe.kind === "frame" ? decodeFrame(frame) : undefined, frame };
};
/** A frame with one payload byte changed and its checksum made valid again: damage the checksum cannot see. */
function rewritten(frame: Buffer, change: (payload: Buffer) => void): Buffer {
  const copy = Buffer.from(frame);
  change(copy.subarray(FRAME_HEADER_BYTES));
  copy.writeUInt32BE(crc32(copy.subarray(FRAME_HEADER_BYTES), crc32(copy.subarray(0, 4))), 4);
  return copy;
}
const errorKind = (f: () => unknown) => {
  try {
    f();
    return "accepted";
  } catch (err) {
    return (err as { kind?: string }).kind;
  }
};

describe("spool frame limits", () => {
  it("stores a record of exactly the spool's maximum size and refuses one byte more", () => {
    const atLimit = record("k", MAX_SPOOL_RECORD_BYTES - 1);
    const { probe, decoded } = roundTrip(atLimit);

    expect(probe.kind).toBe("frame");
    expect(Buffer.from(decoded?.data ?? []).equals(atLimit.data as Buffer)).toBe(true);
    expect(errorKind(() => encodeFrame(record("k", MAX_SPOOL_RECORD_BYTES)))).toBe("record-invalid");
  });

  it("stores a partition key of 65,535 bytes and refuses 65,536", () => {
    const longest = record("p".repeat(0xffff), 3);

    expect(roundTrip(longest).decoded).toEqual({ ...longest, data: Buffer.from(longest.data) });
    expect(errorKind(() => encodeFrame(record("p".repeat(0x10000), 3)))).toBe("record-invalid");
  });

  it("reads the smallest frame (empty key, empty data)", () => {
    const empty = record("", 0);
    const { probe, decoded, frame } = roundTrip(empty);

    expect(frame.length).toBe(FRAME_HEADER_BYTES + FIXED);
    expect(probe).toEqual({ kind: "frame", frameBytes: FRAME_HEADER_BYTES + FIXED });
    expect(decoded).toEqual({ ...empty, data: Buffer.alloc(0) });
  });

  it("asks for the whole frame when the file holds its header and no more, and for the header before that", () => {
    const frame = encodeFrame(record("k", 5));
    const header = frame.subarray(0, FRAME_HEADER_BYTES);

    expect(probeFrame(header, FRAME_HEADER_BYTES)).toEqual({ kind: "incomplete", needBytes: frame.length });
    expect(probeFrame(frame, FRAME_HEADER_BYTES)).toEqual({ kind: "incomplete", needBytes: frame.length });
    expect(probeFrame(header.subarray(0, FRAME_HEADER_BYTES - 1), frame.length)).toEqual({
      kind: "incomplete",
      needBytes: FRAME_HEADER_BYTES,
    });
  });

  it("reports a length below the fixed part, a record version it does not know, and a key longer than the frame", () => {
    const frame = encodeFrame(record("key", 4));
    const shortLength = Buffer.from(frame);
    shortLength.writeUInt32BE(FIXED - 1, 0);
    const version2 = rewritten(frame, (payload) => payload.writeUInt8(2, 0));
    const keyPastEnd = rewritten(frame, (payload) => payload.writeUInt16BE(3 + 4 + 1, 9));

    expect(probeFrame(shortLength, shortLength.length)).toMatchObject({ kind: "invalid" });
    expect(probeFrame(version2, version2.length)).toEqual({
      kind: "invalid",
      reason: "unknown record format 2",
    });
    expect(probeFrame(keyPastEnd, keyPastEnd.length)).toMatchObject({
      kind: "invalid",
      reason: expect.stringMatching(/^partition key length 8 exceeds the frame/),
    });
  });
});
