import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AggregateBuilder,
  aggregate,
  deaggregate,
  decodeEvent,
  decodeRecordData,
  EventDecodeError,
  encodeEvent,
  KPL_MAGIC,
  type TweetEvent,
} from "../index.js";

const isoDate = fc
  .date({ min: new Date("2006-03-21T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

const tweetEvent: fc.Arbitrary<TweetEvent> = fc.record(
  {
    v: fc.constant(1 as const),
    id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
    text: fc.string({ unit: "grapheme", maxLength: 280 }),
    createdAt: isoDate,
    author: fc.record({
      id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
      username: fc.string({ minLength: 1, maxLength: 15 }),
      name: fc.string({ unit: "grapheme", maxLength: 50 }),
    }),
    lang: fc.constantFrom("en", "ja", "es", "ar", "und"),
    matchingRules: fc.array(fc.record({ id: fc.string({ minLength: 1 }), tag: fc.string() }), {
      maxLength: 3,
    }),
    receivedAt: isoDate,
  },
  { requiredKeys: ["v", "id", "text", "createdAt", "author", "receivedAt"] },
);

const userRecord = fc.record({
  partitionKey: fc.string({ unit: "grapheme", minLength: 1, maxLength: 256 }),
  explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), { nil: undefined }),
  data: fc.uint8Array({ maxLength: 2048 }),
});

function expectTypedFailureOrSuccess(run: () => { ok: boolean; error?: unknown }) {
  const result = run();
  if (!result.ok) expect(result.error).toBeInstanceOf(EventDecodeError);
}

describe("event contract properties", () => {
  it("decode(encode(event)) is the event", () => {
    fc.assert(
      fc.property(tweetEvent, (event) => {
        expect(decodeEvent(encodeEvent(event))).toEqual({ ok: true, value: event });
      }),
    );
  });

  it("deaggregate(aggregate(records)) is the records", () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 40 }), (records) => {
        const decoded = deaggregate(aggregate(records));
        const normalized = records.map(({ explicitHashKey, ...r }) =>
          explicitHashKey === undefined ? r : { ...r, explicitHashKey },
        );
        expect(decoded.ok && decoded.value.map((u) => ({ ...u, data: new Uint8Array(u.data) }))).toEqual(
          normalized,
        );
      }),
    );
  });

  it("the builder's running size is the size of what it builds", () => {
    fc.assert(
      fc.property(fc.array(userRecord, { maxLength: 40 }), (records) => {
        const builder = new AggregateBuilder();
        for (const r of records) {
          const predicted = builder.sizeWith(r);
          builder.add(r);
          expect(builder.size).toBe(predicted);
        }
        expect(builder.build().length).toBe(builder.size);
      }),
    );
  });

  it("any string as record data yields a result, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (data) => {
        expectTypedFailureOrSuccess(() => decodeRecordData(data));
      }),
    );
  });

  it("any bytes behind the KPL magic (checksum made valid) yield a typed error or records", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (proto) => {
        const data = Buffer.concat([KPL_MAGIC, proto, createHash("md5").update(proto).digest()]);
        expectTypedFailureOrSuccess(() => deaggregate(data));
        expectTypedFailureOrSuccess(() => decodeRecordData(data.toString("base64")));
      }),
    );
  });

  it("a mutated aggregate is rejected or decoded, never crashes", () => {
    fc.assert(
      fc.property(
        fc.array(userRecord, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (records, at, flip) => {
          const data = aggregate(records);
          const i = at % data.length;
          data[i] = (data[i] ?? 0) ^ flip;
          expectTypedFailureOrSuccess(() => deaggregate(data));
        },
      ),
    );
  });
});
