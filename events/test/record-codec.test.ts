import { describe, expect, it } from "vitest";
import { aggregate, decodeEvent, decodeRecordData, encodeEvent } from "../index.js";
import { sampleEvent } from "./fixtures.js";

const b64 = (data: Uint8Array | string) => Buffer.from(data).toString("base64");

describe("encodeEvent / decodeEvent", () => {
  it("round-trips an event, multi-byte text included", () => {
    // Prepare
    const event = sampleEvent();

    // Act
    const decoded = decodeEvent(encodeEvent(event));

    // Assess
    expect(decoded).toEqual({ ok: true, value: event });
  });

  it("keeps unknown fields for forward compatibility", () => {
    const bytes = Buffer.from(
      JSON.stringify({
        ...sampleEvent(),
        geo: { place: "x" },
        author: { ...sampleEvent().author, verified: true },
      }),
    );

    const decoded = decodeEvent(bytes);

    expect(decoded.ok && decoded.value).toMatchObject({ geo: { place: "x" }, author: { verified: true } });
  });

  it("accepts an event without the optional lang and matchingRules", () => {
    const { lang: _lang, matchingRules: _rules, ...minimal } = sampleEvent();

    expect(decodeEvent(Buffer.from(JSON.stringify(minimal))).ok).toBe(true);
  });

  it("names the field path of a schema violation", () => {
    const bytes = Buffer.from(JSON.stringify({ ...sampleEvent(), author: { id: "42", name: "x" } }));

    const decoded = decodeEvent(bytes);

    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.kind).toBe("schema");
    expect(decoded.error.path).toBe("author.username");
    expect(decoded.error.message).toContain("author.username");
  });

  it.each([
    ["an unknown version", { v: 2 }, "v"],
    ["a numeric id", { id: 17 }, "id"],
    ["a non-decimal id", { id: "12a" }, "id"],
    ["a date that is not ISO-8601", { createdAt: "yesterday" }, "createdAt"],
    ["a missing receivedAt", { receivedAt: undefined }, "receivedAt"],
  ])("rejects %s", (_name, patch, path) => {
    const bytes = Buffer.from(JSON.stringify({ ...sampleEvent(), ...patch }));

    const decoded = decodeEvent(bytes);

    expect(decoded.ok ? "accepted" : [decoded.error.kind, decoded.error.path]).toEqual(["schema", path]);
  });

  it("rejects bytes that are not UTF-8", () => {
    const decoded = decodeEvent(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("not-utf8");
  });

  it("rejects UTF-8 that is not JSON", () => {
    const decoded = decodeEvent(Buffer.from("{not json"));

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("not-json");
  });
});

describe("decodeRecordData", () => {
  it("decodes a plain record as one user record", () => {
    const event = sampleEvent();

    const decoded = decodeRecordData(b64(encodeEvent(event)));

    expect(decoded.ok && decoded.value.map((u) => u.result)).toEqual([{ ok: true, value: event }]);
  });

  it("decodes an aggregate into its user records, in order, each judged on its own", () => {
    const good = sampleEvent({ id: "1" });
    const other = sampleEvent({ id: "2", text: "second" });
    const data = aggregate([
      { partitionKey: "a", data: encodeEvent(good) },
      { partitionKey: "b", data: Buffer.from("{broken") },
      { partitionKey: "a", data: encodeEvent(other) },
    ]);

    const decoded = decodeRecordData(b64(data));

    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.map((u) => [u.subSequenceNumber, u.result.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(Buffer.from(decoded.value[1]?.data ?? []).toString()).toBe("{broken");
  });

  it.each(["not base64!", "abc", "YWJj=", "Y W J j"])("rejects %j as not base64", (data) => {
    const decoded = decodeRecordData(data);

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("not-base64");
  });

  it("rejects an aggregate whose checksum does not match", () => {
    const data = aggregate([{ partitionKey: "a", data: encodeEvent(sampleEvent()) }]);
    data[10] = (data[10] ?? 0) ^ 0xff;

    const decoded = decodeRecordData(b64(data));

    expect(decoded.ok ? "accepted" : decoded.error.kind).toBe("aggregate-checksum");
  });
});
