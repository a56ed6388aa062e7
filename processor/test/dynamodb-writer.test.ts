import { type AttributeValue, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { createDynamoDbWriter } from "../dynamodb-writer.js";
import { ITEM_ATTRIBUTE_NAMES, itemSize, toAttributeValues } from "../item-attributes.js";
import type { WriteRequest } from "../ports.js";
import { itemKey, type TweetItem } from "../tweet-item.js";
import { V1_ATTRIBUTES } from "./support/v2-records.js";

const text = fc.string({ unit: "grapheme", maxLength: 40 });
const texts = fc.array(text, { maxLength: 4 });
const postId = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
// Degrees as DynamoDB stores them (no magnitudes below 1E-130); -0 reads back as 0.
const degrees = fc
  .double({ min: -180, max: 180, noNaN: true })
  .filter((n) => n === 0 || Math.abs(n) >= 1e-130)
  .map((n) => n + 0);

/**
 * One arbitrary per attribute of the item type: the mapped type makes an attribute added to `TweetItem`
 * without one here a compile error, and the test below checks the list against `ITEM_ATTRIBUTES`.
 */
const ATTRIBUTES: { [K in keyof TweetItem]-?: fc.Arbitrary<NonNullable<TweetItem[K]>> } = {
  Username: fc.string({ minLength: 1, maxLength: 15 }),
  Id: postId,
  Timestamp: text,
  Message: text,
  AuthorId: text,
  AuthorName: text,
  Lang: fc.constantFrom("en", "ja", "und", ""),
  MatchingRules: texts,
  ReceivedAt: text,
  ProcessedAt: text,
  Hashtags: texts,
  Mentions: texts,
  Urls: texts,
  ReferencedTweets: fc.array(
    fc.record({ Type: fc.constantFrom("retweeted", "quoted", "replied_to"), Id: postId }),
    { maxLength: 3 },
  ),
  ConversationId: postId,
  InReplyToUserId: postId,
  EditHistoryTweetIds: fc.array(postId, { minLength: 1, maxLength: 5 }),
  Geo: fc.record(
    { PlaceId: fc.string({ minLength: 1, maxLength: 16 }), Coordinates: fc.array(degrees, { maxLength: 2 }) },
    { requiredKeys: [] },
  ),
  Recovered: fc.constant(true),
  Raw: fc.json(),
  RawOmitted: fc.constantFrom("includes", "envelope"),
};
const tweetItem: fc.Arbitrary<TweetItem> = fc
  .record(ATTRIBUTES, { requiredKeys: V1_ATTRIBUTES.filter((name) => name !== "Lang") })
  .map((item) => item as TweetItem);
/** Every attribute present: what the size and round-trip properties need to cover. */
const fullItem: fc.Arbitrary<TweetItem> = fc.record(ATTRIBUTES);

describe("toAttributeValues (the wire format from ITEM_ATTRIBUTES)", () => {
  it("has an arbitrary for every attribute of the item definition, and no other", () => {
    expect(Object.keys(ATTRIBUTES).sort()).toEqual([...ITEM_ATTRIBUTE_NAMES].sort());
  });

  it("writes the same wire item as the SDK's generic marshaller (what DocumentClient sends)", () => {
    fc.assert(
      fc.property(tweetItem, (item) => {
        expect(toAttributeValues(item)).toEqual(marshall(item));
      }),
      { numRuns: 300 },
    );
  });

  it("writes every attribute of a full item, and reads back the same item", () => {
    fc.assert(
      fc.property(fullItem, (item) => {
        const wire = toAttributeValues(item);
        expect(Object.keys(wire).sort()).toEqual([...ITEM_ATTRIBUTE_NAMES].sort());
        expect(unmarshall(wire)).toEqual(item);
      }),
    );
  });

  it("keeps an empty rule list as an empty list and leaves absent attributes out", () => {
    const item: TweetItem = {
      Username: "u",
      Id: "1",
      Timestamp: "t",
      Message: "",
      AuthorId: "2",
      AuthorName: "n",
      MatchingRules: [],
      ReceivedAt: "r",
      ProcessedAt: "p",
    };

    const wire = toAttributeValues(item);

    expect(wire.MatchingRules).toEqual({ L: [] });
    expect(wire.Message).toEqual({ S: "" });
    expect(Object.keys(wire)).toHaveLength(9);
  });
});

/**
 * DynamoDB's size rules on the wire format (the SDK's, not ours): names and strings in UTF-8 bytes, a number as
 * its decimal form plus one byte (an upper bound), a boolean 1, a list or map 3 bytes plus 1 per element.
 */
const named = (name: string, value: AttributeValue): number => Buffer.byteLength(name) + wireSize(value);
function wireSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length + 1;
  if (value.BOOL !== undefined) return 1;
  if (value.L !== undefined) return value.L.reduce((sum, element) => sum + 1 + wireSize(element), 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + named(name, element), 3);
  }
  throw new Error(`unexpected attribute type ${Object.keys(value).join()}`);
}

let dynalite: RunningEmulator;
let client: DynamoDBClient;
const TABLE = "writer-test";

beforeAll(async () => {
  dynalite = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await createEventTable(client, TABLE);
});

afterAll(async () => {
  client?.destroy();
  await dynalite?.close();
});

async function tableItems(): Promise<Map<string, TweetItem>> {
  const page = await client.send(new ScanCommand({ TableName: TABLE }));
  expect(page.LastEvaluatedKey).toBeUndefined();
  const items = (page.Items ?? []).map((wire) => unmarshall(wire) as TweetItem);
  return new Map(items.map((item) => [itemKey(item), item]));
}

describe("createDynamoDbWriter against dynalite", () => {
  const writer = () => createDynamoDbWriter({ client, tableName: TABLE, concurrency: 2, maxAttempts: 3 });
  const deadline = () => Date.now() + 30_000;

  it("stores every attribute of generated items as they were, and deletes by key in the same calls", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fullItem, { minLength: 2, maxLength: 40, selector: itemKey }),
        fc.integer({ min: 1, max: 39 }),
        async (items, cut) => {
          const kept = items.slice(0, Math.min(cut, items.length - 1));
          const deleted = items.slice(kept.length);
          expect(
            (
              await writer()(
                items.map((put) => ({ put })),
                { deadline: deadline() },
              )
            ).unwritten,
          ).toEqual([]);

          // Deletes (only the key) and puts (again, idempotent) mixed in the same 25-request calls.
          const mixed: WriteRequest[] = [
            ...deleted.map(({ Username, Id }) => ({ delete: { Username, Id } })),
            ...kept.map((put) => ({ put })),
          ];
          expect((await writer()(mixed, { deadline: deadline() })).unwritten).toEqual([]);

          const stored = await tableItems();
          expect([...stored.values()]).toEqual(expect.arrayContaining(kept));
          expect(stored.size).toBe(kept.length);
          for (const item of deleted) expect(stored.has(itemKey(item))).toBe(false);
          await writer()(
            kept.map(({ Username, Id }) => ({ delete: { Username, Id } })),
            { deadline: deadline() },
          );
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);

  it("counts an item's size by DynamoDB's rules, over every attribute", () => {
    fc.assert(
      fc.property(fullItem, (item) => {
        const wire = marshall(item);
        const reference = Object.entries(wire).reduce((sum, [name, value]) => sum + named(name, value), 0);
        expect(itemSize(item)).toBe(reference);
      }),
    );
  });
});
