import { describe, expect, it } from "vitest";
import { BENCH_TABLE } from "../processor/bench-table.js";
import { checkBatchWriteItem, DynamoDbRequestError } from "../processor/dynamodb-rules.js";
import { rejection } from "./support/rejection.js";

const put = (username: string, id: string, extra: Record<string, unknown> = {}) => ({
  PutRequest: { Item: { Username: { S: username }, Id: { S: id }, Message: { S: "hi" }, ...extra } },
});
const request = (items: unknown[]) => ({ RequestItems: { [BENCH_TABLE.tableName]: items } });

describe("checkBatchWriteItem", () => {
  it("counts the items of a valid request", () => {
    const items = Array.from({ length: 25 }, (_, i) =>
      put("ada", String(i), { Tags: { L: [{ S: "aws" }] } }),
    );
    expect(checkBatchWriteItem(request(items), BENCH_TABLE)).toBe(25);
  });

  it("rejects more than 25 requests", () => {
    const items = Array.from({ length: 26 }, (_, i) => put("ada", String(i)));
    expect(
      rejection(DynamoDbRequestError, () => checkBatchWriteItem(request(items), BENCH_TABLE)).message,
    ).toContain("26 requests");
  });

  it("rejects duplicate keys in one call, as DynamoDB does", () => {
    const err = rejection(DynamoDbRequestError, () =>
      checkBatchWriteItem(request([put("ada", "1"), put("ada", "1")]), BENCH_TABLE),
    );
    expect(err.message).toBe("Provided list of item keys contains duplicates");
  });

  it("rejects items without the key, untyped attributes and unknown tables", () => {
    const noKey = { PutRequest: { Item: { Username: { S: "ada" } } } };
    expect(
      rejection(DynamoDbRequestError, () => checkBatchWriteItem(request([noKey]), BENCH_TABLE)).message,
    ).toContain("Missing the key");
    const untyped = put("ada", "1", { Message: "plain string" });
    expect(
      rejection(DynamoDbRequestError, () => checkBatchWriteItem(request([untyped]), BENCH_TABLE)).type,
    ).toBe("SerializationException");
    const elsewhere = { RequestItems: { other: [put("ada", "1")] } };
    expect(rejection(DynamoDbRequestError, () => checkBatchWriteItem(elsewhere, BENCH_TABLE)).type).toBe(
      "ResourceNotFoundException",
    );
  });

  it("rejects an item over 400 KB", () => {
    const huge = put("ada", "1", { Message: { S: "x".repeat(400 * 1024) } });
    expect(
      rejection(DynamoDbRequestError, () => checkBatchWriteItem(request([huge]), BENCH_TABLE)).message,
    ).toContain("maximum allowed size");
  });
});
