import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** How a string's bytes are counted: exactly (UTF-8), or as a cheap upper bound. */
export type ByteCount = (value: string) => number;
export const utf8Bytes: ByteCount = (value) => Buffer.byteLength(value, "utf8");
/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
export const boundBytes: ByteCount = (value) => value.length * 3;

/** What an attribute type is, for what is derived from it elsewhere (the tests' generators, the README). */
export type Shape =
  | { kind: "S" | "N" | "B" | "BOOL" }
  | { kind: "L"; of: Shape }
  | { kind: "M"; fields: Record<string, Shape>; required: readonly string[] };

/** One DynamoDB attribute type: its wire format both ways and its size by DynamoDB's rules. */
export interface AttributeType<T> {
  readonly shape: Shape;
  wire(value: T): AttributeValue;
  read(wire: AttributeValue): T;
  size(value: T, bytes: ByteCount): number;
}
export type ValueOf<A> = A extends AttributeType<infer T> ? T : never;

function mismatch(expected: string, wire: AttributeValue): never {
  throw new Error(`expected a DynamoDB ${expected}, got ${Object.keys(wire).join(",") || "nothing"}`);
}

// Sizes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
// A string is its UTF-8 bytes, a binary its raw bytes, a boolean 1 byte; a list or map is 3 bytes plus 1 per
// element plus its elements, a map's element sizes including their names. A number is at most 21 bytes; its
// decimal form plus one byte is an upper bound that is close for coordinates and epoch seconds.
export const string: AttributeType<string> = {
  shape: { kind: "S" },
  wire: (value) => ({ S: value }),
  read: (wire) => wire.S ?? mismatch("S", wire),
  size: (value, bytes) => bytes(value),
};
export const boolean: AttributeType<boolean> = {
  shape: { kind: "BOOL" },
  wire: (value) => ({ BOOL: value }),
  read: (wire) => wire.BOOL ?? mismatch("BOOL", wire),
  size: () => 1,
};
export const number: AttributeType<number> = {
  shape: { kind: "N" },
  wire: (value) => ({ N: String(value) }),
  read: (wire) => Number(wire.N ?? mismatch("N", wire)),
  size: (value) => String(value).length + 1,
};
export const binary: AttributeType<Uint8Array> = {
  shape: { kind: "B" },
  wire: (value) => ({ B: value }),
  read: (wire) => wire.B ?? mismatch("B", wire),
  size: (value) => value.length,
};

export function listOf<T>(element: AttributeType<T>): AttributeType<T[]> {
  return {
    shape: { kind: "L", of: element.shape },
    wire: (values) => ({ L: values.map((value) => element.wire(value)) }),
    read: (wire) => (wire.L ?? mismatch("L", wire)).map((value) => element.read(value)),
    size: (values, bytes) => {
      let size = 3 + values.length;
      for (const value of values) size += element.size(value, bytes);
      return size;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a field of any value type
type FieldTypes = Record<string, AttributeType<any>>;
export type MapValue<R extends FieldTypes, O extends FieldTypes> = { [K in keyof R]: ValueOf<R[K]> } & {
  [K in keyof O]?: ValueOf<O[K]>;
};

/** A map of named attributes, `required` always present, `optional` left out when absent (as the SDK does). */
export function mapOf<R extends FieldTypes, O extends FieldTypes>(
  required: R,
  optional: O,
): AttributeType<MapValue<R, O>> {
  const fields: FieldTypes = { ...required, ...optional };
  const names = Object.keys(fields);
  const shapes = Object.fromEntries(names.map((name) => [name, fields[name]?.shape as Shape]));
  return {
    shape: { kind: "M", fields: shapes, required: Object.keys(required) },
    wire: (value) => ({ M: wireOf(value, fields, names) }),
    read: (wire) => readOf(wire.M ?? mismatch("M", wire), fields, names) as MapValue<R, O>,
    size: (value, bytes) => 3 + sizeOf(value, fields, names, bytes, 1),
  };
}

/** The attributes of `value` named in `types`, in DynamoDB's wire format; absent ones are left out. */
export function wireOf(value: object, types: FieldTypes, names: readonly string[]) {
  const wire: Record<string, AttributeValue> = {};
  const fields = value as Record<string, unknown>;
  for (const name of names) {
    const field = fields[name];
    if (field !== undefined) wire[name] = (types[name] as FieldTypes[string]).wire(field);
  }
  return wire;
}

export function readOf(wire: Record<string, AttributeValue>, types: FieldTypes, names: readonly string[]) {
  const value: Record<string, unknown> = {};
  for (const name of names) {
    const field = wire[name];
    if (field !== undefined) value[name] = (types[name] as FieldTypes[string]).read(field);
  }
  return value;
}

/** DynamoDB's size of the named attributes: names plus values (`perElement` more each inside a map). */
export function sizeOf(
  value: object,
  types: FieldTypes,
  names: readonly string[],
  bytes: ByteCount,
  perElement: number,
): number {
  let size = 0;
  const fields = value as Record<string, unknown>;
  for (const name of names) {
    const field = fields[name];
    if (field === undefined) continue;
    size += perElement + bytes(name) + (types[name] as FieldTypes[string]).size(field, bytes);
  }
  return size;
}
