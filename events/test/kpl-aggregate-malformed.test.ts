import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deaggregate, isAggregated, KPL_MAGIC } from "../kpl-aggregate.js";
import { ProtoWriter, WIRE_VARINT } from "../protobuf.js";

// Aggregates built by hand, field by field, with a valid checksum: what a buggy or foreign producer could put on
// the stream. Each malformed one must be refused as malformed, never read into wrong records; StrykerJS found the
// wire-type, required-field and index checks untested (issue 21 item 6).
type Field = (w: ProtoWriter) => void;
const bytes =
  (field: number, data: string | Uint8Array): Field =>
  (w) =>
    w.bytes(field, typeof data === "string" ? Buffer.from(data) : data);
const varint =
  (field: number, value: number): Field =>
  (w) => {
    w.tag(field, WIRE_VARINT);
    w.varint(value);
  };
function message(...fields: Field[]): Buffer {
  const w = new ProtoWriter(Buffer.alloc(4096));
  for (const field of fields) field(w);
  return w.buf.subarray(0, w.pos);
}
const record = (...fields: Field[]) => bytes(3, message(...fields));
function aggregateOf(...fields: Field[]): Buffer {
  const proto = message(...fields);
  return Buffer.concat([KPL_MAGIC, proto, createHash("md5").update(proto).digest()]);
}
const DATA = '{"v":1}';

describe("deaggregate refuses a malformed aggregate", () => {
  it("reads a well-formed hand-built aggregate (the control)", () => {
    const result = deaggregate(
      aggregateOf(
        bytes(1, "pk"),
        bytes(2, "170141183460469231731687303715884105728"),
        record(varint(1, 0), varint(2, 0), bytes(3, DATA)),
      ),
    );

    expect(
      result.ok &&
        result.value.map((r) => [r.partitionKey, r.explicitHashKey, Buffer.from(r.data).toString()]),
    ).toEqual([["pk", "170141183460469231731687303715884105728", DATA]]);
  });

  it.each([
    ["a record without its data", aggregateOf(bytes(1, "pk"), record(varint(1, 0)))],
    ["a record without its partition key index", aggregateOf(bytes(1, "pk"), record(bytes(3, DATA)))],
    ["a key table entry sent as a varint", aggregateOf(varint(1, 0), record(varint(1, 0), bytes(3, DATA)))],
    [
      "a hash key table entry sent as a varint",
      aggregateOf(bytes(1, "pk"), varint(2, 0), record(varint(1, 0), bytes(3, DATA))),
    ],
    ["a record sent as a varint", aggregateOf(bytes(1, "pk"), varint(3, 1))],
    [
      "a partition key index sent length-delimited",
      aggregateOf(bytes(1, "pk"), record(bytes(1, "0"), bytes(3, DATA))),
    ],
    [
      "a hash key index sent length-delimited",
      aggregateOf(bytes(1, "pk"), record(varint(1, 0), bytes(2, "0"), bytes(3, DATA))),
    ],
    ["record data sent as a varint", aggregateOf(bytes(1, "pk"), record(varint(1, 0), varint(3, 5)))],
    [
      "a partition key index past the key table",
      aggregateOf(bytes(1, "pk"), record(varint(1, 1), bytes(3, DATA))),
    ],
    [
      "a hash key index past the hash key table",
      aggregateOf(bytes(1, "pk"), record(varint(1, 0), varint(2, 0), bytes(3, DATA))),
    ],
    [
      "a partition key that is not UTF-8",
      aggregateOf(bytes(1, Buffer.from([0xff, 0xfe])), record(varint(1, 0), bytes(3, DATA))),
    ],
  ])("%s", (_, aggregate) => {
    const result = deaggregate(aggregate);

    expect(result.ok ? "accepted" : result.error.kind).toBe("aggregate-malformed");
    expect(result.ok ? "" : result.error.message).toMatch(/^malformed aggregate: \S/);
  });
});

describe("isAggregated", () => {
  const checksum = Buffer.alloc(16);

  it("is true for the magic bytes and a checksum, the smallest aggregate", () => {
    expect(isAggregated(Buffer.concat([KPL_MAGIC, checksum]))).toBe(true);
  });

  it("is false when any one of the four magic bytes differs, or the record is shorter than magic and checksum", () => {
    for (let i = 0; i < KPL_MAGIC.length; i++) {
      const magic = Buffer.from(KPL_MAGIC);
      magic[i] = (magic[i] ?? 0) ^ 0x01;
      expect(isAggregated(Buffer.concat([magic, checksum, Buffer.from(DATA)])), `byte ${i}`).toBe(false);
    }
    expect(isAggregated(Buffer.concat([KPL_MAGIC, checksum.subarray(1)]))).toBe(false);
  });
});
