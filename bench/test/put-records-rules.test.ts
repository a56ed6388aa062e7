import { describe, expect, it } from "vitest";
import { checkPutRecord, checkPutRecords, KinesisRequestError } from "../sink/put-records-rules.js";
import { rejection } from "./support/rejection.js";

const record = (data: Buffer | string, partitionKey = "pk") => ({
  Data: typeof data === "string" ? data : data.toString("base64"),
  PartitionKey: partitionKey,
});

describe("checkPutRecords", () => {
  it("accepts a valid request and measures each record as Kinesis does", () => {
    // Prepare
    const body = {
      StreamName: "s",
      Records: [record(Buffer.from("héllo")), record(Buffer.alloc(3), "ключ")],
    };

    // Act
    const accepted = checkPutRecords(body);

    // Assess
    expect(accepted.map((r) => [r.dataBytes, r.partitionKeyBytes])).toEqual([
      [6, 2],
      [3, 8],
    ]);
    expect(accepted[0]?.data.toString()).toBe("héllo");
  });

  it("rejects more than 500 records", () => {
    const body = { StreamName: "s", Records: Array.from({ length: 501 }, () => record(Buffer.from("x"))) };
    const err = rejection(KinesisRequestError, () => checkPutRecords(body));
    expect(err.type).toBe("ValidationException");
    expect(err.message).toContain("less than or equal to 500");
  });

  it("rejects a record over 1 MiB counting its partition key", () => {
    const body = { StreamName: "s", Records: [record(Buffer.alloc(1024 * 1024 - 1), "ab")] };
    expect(rejection(KinesisRequestError, () => checkPutRecords(body)).message).toContain("1048577 bytes");
  });

  it("rejects a request over the request byte limit", () => {
    const big = record(Buffer.alloc(1000 * 1024));
    const body = { StreamName: "s", Records: Array.from({ length: 6 }, () => big) };
    expect(rejection(KinesisRequestError, () => checkPutRecords(body)).type).toBe("InvalidArgumentException");
    expect(checkPutRecords(body, 10 * 1024 * 1024)).toHaveLength(6);
  });

  it.each([
    ["a character outside the alphabet", "aGVs*G8="],
    ["the URL-safe alphabet", "-_8="],
    ["a length that is not a multiple of 4", "aGVsbG8"],
    ["embedded whitespace", "aGVs bG8="],
  ])("rejects data with %s", (_, data) => {
    const err = rejection(KinesisRequestError, () =>
      checkPutRecords({ StreamName: "s", Records: [record(data)] }),
    );
    expect(err.type).toBe("SerializationException");
    expect(err.message).toContain("Records.0.Data is not valid base64");
  });

  it("rejects requests without a stream, records or a valid partition key", () => {
    expect(
      rejection(KinesisRequestError, () => checkPutRecords({ Records: [record("AA==")] })).message,
    ).toContain("StreamName");
    expect(
      rejection(KinesisRequestError, () => checkPutRecords({ StreamName: "s", Records: [] })).message,
    ).toContain("non-empty");
    expect(
      rejection(KinesisRequestError, () =>
        checkPutRecords({ StreamName: "s", Records: [record("AA==", "")] }),
      ).message,
    ).toContain("PartitionKey");
    expect(
      rejection(KinesisRequestError, () =>
        checkPutRecords({ StreamName: "s", Records: [{ ...record("AA=="), ExplicitHashKey: "0x1" }] }),
      ).message,
    ).toContain("ExplicitHashKey");
  });
});

describe("checkPutRecord", () => {
  it("validates a single record the same way", () => {
    expect(checkPutRecord({ StreamARN: "arn", ...record("AAEC") }).dataBytes).toBe(3);
    expect(
      rejection(KinesisRequestError, () => checkPutRecord({ StreamName: "s", PartitionKey: "k" })).type,
    ).toBe("SerializationException");
  });
});
