import { createHash } from "node:crypto";
import { type DecodeResult, EventDecodeError } from "./decode-error.js";
import {
  lengthDelimitedSize,
  ProtoFormatError,
  ProtoReader,
  ProtoWriter,
  varintSize,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from "./protobuf.js";

/**
 * The Kinesis Producer Library's aggregated record format:
 * magic `F3 89 9A C2`, a protobuf `AggregatedRecord`, then the 16-byte MD5 of the protobuf bytes.
 * https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md
 *
 *   message AggregatedRecord { repeated string partition_key_table = 1;
 *                              repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                    required bytes data = 3; repeated Tag tags = 4; }
 */
export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
const CHECKSUM_BYTES = 16;
/** Magic and checksum around the protobuf. */
export const AGGREGATE_OVERHEAD_BYTES = KPL_MAGIC.length + CHECKSUM_BYTES;

export interface UserRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

/**
 * Where Kinesis puts a record with this partition key: the MD5 of its UTF-8 bytes read as an unsigned 128-bit
 * big-endian integer, in decimal (the form `ExplicitHashKey` takes and shard hash key ranges use).
 */
export function partitionKeyHash(partitionKey: string): string {
  return BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`).toString(10);
}

export function isAggregated(data: Uint8Array): boolean {
  return (
    data.length >= AGGREGATE_OVERHEAD_BYTES &&
    data[0] === 0xf3 &&
    data[1] === 0x89 &&
    data[2] === 0x9a &&
    data[3] === 0xc2
  );
}

/**
 * Collects user records into one aggregate, tracking its encoded size as it grows, so the producer can
 * ask "does this record still fit?" without encoding anything.
 */
export class AggregateBuilder {
  private readonly partitionKeys = new Map<string, number>();
  private readonly hashKeys = new Map<string, number>();
  private readonly records: { pk: number; ehk: number | undefined; data: Uint8Array; size: number }[] = [];
  private protoSize = 0;

  get count(): number {
    return this.records.length;
  }

  /** Bytes of the finished aggregate (magic + protobuf + checksum). */
  get size(): number {
    return AGGREGATE_OVERHEAD_BYTES + this.protoSize;
  }

  /** The size the aggregate would have with `record` added. */
  sizeWith(record: UserRecord): number {
    return this.size + this.growth(record).total;
  }

  add(record: UserRecord): void {
    const growth = this.growth(record);
    const pk = this.indexOf(this.partitionKeys, record.partitionKey);
    const ehk =
      record.explicitHashKey === undefined ? undefined : this.indexOf(this.hashKeys, record.explicitHashKey);
    this.records.push({ pk, ehk, data: record.data, size: growth.recordSize });
    this.protoSize += growth.total;
  }

  build(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    KPL_MAGIC.copy(out, 0);
    const w = new ProtoWriter(out, KPL_MAGIC.length);
    for (const key of this.partitionKeys.keys()) w.bytes(1, Buffer.from(key, "utf8"));
    for (const key of this.hashKeys.keys()) w.bytes(2, Buffer.from(key, "utf8"));
    for (const r of this.records) {
      w.tag(3, WIRE_LENGTH_DELIMITED);
      w.varint(r.size);
      w.tag(1, WIRE_VARINT);
      w.varint(r.pk);
      if (r.ehk !== undefined) {
        w.tag(2, WIRE_VARINT);
        w.varint(r.ehk);
      }
      w.bytes(3, r.data);
    }
    const digest = createHash("md5").update(out.subarray(KPL_MAGIC.length, w.pos)).digest();
    digest.copy(out, w.pos);
    return out;
  }

  private growth(record: UserRecord): { total: number; recordSize: number } {
    let total = 0;
    const pkIndex = this.partitionKeys.get(record.partitionKey);
    if (pkIndex === undefined) total += lengthDelimitedSize(Buffer.byteLength(record.partitionKey, "utf8"));
    let recordSize =
      1 + varintSize(pkIndex ?? this.partitionKeys.size) + lengthDelimitedSize(record.data.length);
    if (record.explicitHashKey !== undefined) {
      const ehkIndex = this.hashKeys.get(record.explicitHashKey);
      if (ehkIndex === undefined)
        total += lengthDelimitedSize(Buffer.byteLength(record.explicitHashKey, "utf8"));
      recordSize += 1 + varintSize(ehkIndex ?? this.hashKeys.size);
    }
    total += lengthDelimitedSize(recordSize);
    return { total, recordSize };
  }

  private indexOf(table: Map<string, number>, key: string): number {
    let index = table.get(key);
    if (index === undefined) {
      index = table.size;
      table.set(key, index);
    }
    return index;
  }
}

export function aggregate(records: readonly UserRecord[]): Buffer {
  const builder = new AggregateBuilder();
  for (const r of records) builder.add(r);
  return builder.build();
}

/** Reads an aggregate back into its user records, verifying the checksum and every index. */
export function deaggregate(data: Uint8Array): DecodeResult<UserRecord[]> {
  if (!isAggregated(data)) {
    return {
      ok: false,
      error: new EventDecodeError("aggregate-malformed", "not a KPL aggregate (magic bytes missing)"),
    };
  }
  const protoEnd = data.length - CHECKSUM_BYTES;
  const proto = data.subarray(KPL_MAGIC.length, protoEnd);
  const expected = createHash("md5").update(proto).digest();
  if (!expected.equals(data.subarray(protoEnd))) {
    return {
      ok: false,
      error: new EventDecodeError("aggregate-checksum", "aggregate MD5 checksum mismatch"),
    };
  }
  try {
    return { ok: true, value: readAggregatedRecord(data, KPL_MAGIC.length, protoEnd) };
  } catch (err) {
    if (!(err instanceof ProtoFormatError)) throw err;
    return {
      ok: false,
      error: new EventDecodeError("aggregate-malformed", `malformed aggregate: ${err.message}`),
    };
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function readAggregatedRecord(buf: Uint8Array, start: number, end: number): UserRecord[] {
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const raw: { pk: number; ehk: number | undefined; data: Uint8Array }[] = [];
  const r = new ProtoReader(buf, start, end);
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field <= 3 && wire !== WIRE_LENGTH_DELIMITED)
      throw new ProtoFormatError(`field ${field} has wire type ${wire}`);
    if (field === 1 || field === 2) {
      const [s, e] = r.lengthDelimited();
      let key: string;
      try {
        key = utf8.decode(buf.subarray(s, e));
      } catch {
        throw new ProtoFormatError("key table entry is not UTF-8");
      }
      (field === 1 ? partitionKeys : hashKeys).push(key);
    } else if (field === 3) {
      const [s, e] = r.lengthDelimited();
      raw.push(readRecord(buf, s, e));
    } else {
      r.skip(wire);
    }
  }
  return raw.map((rec, i) => {
    const partitionKey = partitionKeys[rec.pk];
    if (partitionKey === undefined)
      throw new ProtoFormatError(`record ${i}: partition key index ${rec.pk} out of range`);
    const user: UserRecord = { partitionKey, data: rec.data };
    if (rec.ehk !== undefined) {
      const ehk = hashKeys[rec.ehk];
      if (ehk === undefined)
        throw new ProtoFormatError(`record ${i}: hash key index ${rec.ehk} out of range`);
      user.explicitHashKey = ehk;
    }
    return user;
  });
}

function readRecord(buf: Uint8Array, start: number, end: number) {
  let pk: number | undefined;
  let ehk: number | undefined;
  let data: Uint8Array | undefined;
  const r = new ProtoReader(buf, start, end);
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WIRE_VARINT) pk = r.varint();
    else if (field === 2 && wire === WIRE_VARINT) ehk = r.varint();
    else if (field === 3 && wire === WIRE_LENGTH_DELIMITED) {
      const [s, e] = r.lengthDelimited();
      data = buf.subarray(s, e);
    } else if (field <= 3) throw new ProtoFormatError(`record field ${field} has wire type ${wire}`);
    else r.skip(wire);
  }
  if (pk === undefined || data === undefined) throw new ProtoFormatError("record lacks a required field");
  return { pk, ehk, data };
}
