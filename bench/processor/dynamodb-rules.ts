/**
 * The checks DynamoDB applies to BatchWriteItem, as documented in the API reference:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
export const MAX_BATCH_WRITE_REQUESTS = 25;
const MAX_ITEM_BYTES = 400 * 1024;
const ATTRIBUTE_TYPES = new Set(["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]);

export class DynamoDbRequestError extends Error {
  constructor(
    readonly type: "ValidationException" | "SerializationException" | "ResourceNotFoundException",
    message: string,
  ) {
    super(message);
  }
}

export interface TableKeySchema {
  tableName: string;
  hashKey: string;
  rangeKey: string;
}

/** Validates a BatchWriteItem body (already JSON-parsed) and returns how many items it puts. */
export function checkBatchWriteItem(body: unknown, table: TableKeySchema): number {
  const requestItems = (body as { RequestItems?: unknown } | null)?.RequestItems;
  if (typeof requestItems !== "object" || requestItems === null) {
    throw new DynamoDbRequestError("ValidationException", "RequestItems is required");
  }
  let count = 0;
  for (const [tableName, requests] of Object.entries(requestItems)) {
    if (tableName !== table.tableName) {
      throw new DynamoDbRequestError(
        "ResourceNotFoundException",
        `Requested resource not found: ${tableName}`,
      );
    }
    if (!Array.isArray(requests) || requests.length === 0) {
      throw new DynamoDbRequestError(
        "ValidationException",
        `RequestItems.${tableName} must be a non-empty list`,
      );
    }
    const keys = new Set<string>();
    for (const request of requests) {
      const item = (request as { PutRequest?: { Item?: unknown } }).PutRequest?.Item;
      if (typeof item !== "object" || item === null) {
        throw new DynamoDbRequestError("ValidationException", "only PutRequest with an Item is expected");
      }
      const key = checkItem(item as Record<string, unknown>, table);
      if (keys.has(key)) {
        throw new DynamoDbRequestError(
          "ValidationException",
          "Provided list of item keys contains duplicates",
        );
      }
      keys.add(key);
      count++;
    }
  }
  if (count === 0 || count > MAX_BATCH_WRITE_REQUESTS) {
    throw new DynamoDbRequestError(
      "ValidationException",
      `Member must have length less than or equal to ${MAX_BATCH_WRITE_REQUESTS} (got ${count} requests)`,
    );
  }
  return count;
}

function checkItem(item: Record<string, unknown>, table: TableKeySchema): string {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    const types = typeof value === "object" && value !== null ? Object.keys(value) : [];
    if (types.length !== 1 || !ATTRIBUTE_TYPES.has(types[0] as string)) {
      throw new DynamoDbRequestError(
        "SerializationException",
        `attribute ${name} is not a typed AttributeValue`,
      );
    }
    // Names plus the UTF-8 JSON of the value: above DynamoDB's own item size, close enough to catch 400 KB.
    size += Buffer.byteLength(name) + Buffer.byteLength(JSON.stringify(value));
  }
  if (size > MAX_ITEM_BYTES) {
    throw new DynamoDbRequestError("ValidationException", "Item size has exceeded the maximum allowed size");
  }
  const hash = (item[table.hashKey] as { S?: unknown } | undefined)?.S;
  const range = (item[table.rangeKey] as { S?: unknown } | undefined)?.S;
  if (typeof hash !== "string" || hash === "" || typeof range !== "string" || range === "") {
    throw new DynamoDbRequestError(
      "ValidationException",
      `One or more parameter values were invalid: Missing the key ${table.hashKey} or ${table.rangeKey} in the item`,
    );
  }
  return JSON.stringify([hash, range]);
}
