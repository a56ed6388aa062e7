import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEvent } from "../../events/index.js";
import { type DeadLetter, deadLetterReason, toDeadLetterBody } from "../dead-letter.js";
import { MAX_BATCH_ENTRIES, packBatches } from "../sqs-batches.js";

const letter = (payload: string): DeadLetter => ({
  origin: {
    shardId: "shardId-000000000001",
    sequenceNumber: "4950",
    eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/tweets",
    partitionKey: "pk",
    approximateArrivalTimestamp: 1_790_000_000.5,
  },
  subSequenceNumber: 2,
  payload,
  reason: { kind: "schema", message: "schema violation at id: expected a decimal tweet id", path: "id" },
});

describe("toDeadLetterBody", () => {
  it("carries the raw payload, the reason and the record's position", () => {
    const { body, payloadOmitted } = toDeadLetterBody(
      letter("eyJ2IjoxfQ=="),
      "2026-11-25T12:00:05.000Z",
      262_144,
    );

    expect(payloadOmitted).toBe(false);
    expect(JSON.parse(body)).toEqual({
      v: 1,
      reason: { kind: "schema", message: "schema violation at id: expected a decimal tweet id", path: "id" },
      payload: "eyJ2IjoxfQ==",
      payloadBase64Length: 12,
      shardId: "shardId-000000000001",
      sequenceNumber: "4950",
      subSequenceNumber: 2,
      eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/tweets",
      partitionKey: "pk",
      approximateArrivalTimestamp: 1_790_000_000.5,
      deadLetteredAt: "2026-11-25T12:00:05.000Z",
    });
  });

  it("leaves out a payload too large for one message, keeping where to find the record", () => {
    const { body, payloadOmitted } = toDeadLetterBody(letter("A".repeat(300_000)), "t", 262_144);

    expect(payloadOmitted).toBe(true);
    expect(Buffer.byteLength(body)).toBeLessThan(1024);
    expect(JSON.parse(body)).toMatchObject({
      payloadOmitted: true,
      payloadBase64Length: 300_000,
      sequenceNumber: "4950",
    });
    expect(JSON.parse(body)).not.toHaveProperty("payload");
  });
});

describe("toDeadLetterBody and SQS's character set", () => {
  // What SQS accepts in a body; anything else is InvalidMessageContents, on every retry.
  const SQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
  // Any UTF-16 code unit, with the ones SQS refuses made frequent (uniformly they would hardly ever be drawn).
  const anyUtf16 = fc.string({
    unit: fc.oneof(
      fc.constantFrom("\uFFFE", "\uFFFF", "\uD800", "\uDFFF", "\u0000", "\u001F", "\uFFFD", "\uE000"),
      fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    ),
    maxLength: 20,
  });
  const anyText = fc.oneof(anyUtf16, fc.string({ unit: "binary", maxLength: 20 }));

  it("writes every character SQS refuses (U+FFFF, U+FFFE, lone surrogates, controls) as a JSON escape", () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (message, path, partitionKey) => {
        const dead = letter("eyJ2IjoxfQ==");
        dead.reason = { kind: "not-json", message, path };
        dead.origin.partitionKey = partitionKey;

        const { body } = toDeadLetterBody(dead, "t", 262_144);

        expect(body).toMatch(SQS_BODY);
        expect(JSON.parse(body)).toMatchObject({ reason: { message, path }, partitionKey });
      }),
    );
  });

  it("escapes U+FFFF in a reason and a partition key, where JSON.stringify leaves it", () => {
    const dead = letter("eyJ2IjoxfQ==");
    dead.reason.message = "bad \uFFFF";
    dead.origin.partitionKey = "pk\uFFFE";

    const { body } = toDeadLetterBody(dead, "t", 262_144);

    expect(body).toContain('"message":"bad \\uffff"');
    expect(body).toContain('"partitionKey":"pk\\ufffe"');
  });
});

describe("packBatches", () => {
  it("keeps every message once, in order, in batches within SQS's entry and byte limits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (maxBytes, raw) => {
          const sizes = raw.map((n) => n % (maxBytes + 1));

          const batches = packBatches(sizes, maxBytes);

          expect(batches.flat()).toEqual(sizes.map((_, i) => i));
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_ENTRIES);
            expect(batch.reduce((sum, i) => sum + (sizes[i] ?? 0), 0)).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });

  it("fills a batch by count with small messages: 10, then the rest", () => {
    expect(
      packBatches(
        Array.from({ length: 23 }, () => 1),
        262_144,
      ).map((batch) => batch.length),
    ).toEqual([10, 10, 3]);
  });

  it("refuses a message larger than a whole batch, naming it", () => {
    expect(() => packBatches([10, 2000], 1000)).toThrow(
      "message 1 is 2000 bytes; at most 1000 fit in a batch",
    );
  });
});

describe("deadLetterReason", () => {
  it("caps a long message and path so one reason cannot outgrow a log line or a message", () => {
    const reason = deadLetterReason({ kind: "schema", message: "m".repeat(5000), path: "p".repeat(1500) });

    expect(reason.message).toBe(`${"m".repeat(1000)}… (5000 characters)`);
    expect(reason.path).toBe(`${"p".repeat(1000)}… (1500 characters)`);
  });
});

describe("decode reasons (what a dead letter and its log line say)", () => {
  const valid = {
    v: 1,
    id: "1",
    text: "t",
    createdAt: "2026-11-25T12:00:00.000Z",
    author: { id: "1", username: "u", name: "n" },
    receivedAt: "2026-11-25T12:00:00.000Z",
  };

  it.each([
    ["v", { v: "SECRET" }],
    ["id", { id: "SECRET" }],
    ["createdAt", { createdAt: "SECRET" }],
    ["author", { author: "SECRET" }],
    ["data.id", { v: 2, data: { id: "SECRET", text: "SECRET" } }],
    ["not-json", "SECRET \uFFFF"],
  ])("name the field and the kind of problem, never the value (%s)", (_, bad) => {
    const text = typeof bad === "string" ? bad : JSON.stringify({ ...valid, ...bad });

    const decoded = decodeEvent(Buffer.from(text, "utf8"));

    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? "" : decoded.error.message).not.toMatch(/SECRET|\uFFFF/);
  });
});
