import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { decodeStoredRecord, encodeStoredRecord } from "../../events/stored-record.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import { createDynamoTable } from "../dynamodb-table.js";
import { GEO_SCRUB_ATTRIBUTES, planGeoScrub } from "../geo-scrub.js";

const TABLE = "geo-scrub-test";
const MESSAGE =
  'RT @ada: a long post from Tokyo 東京 🚀 with "quotes" and a\nnewline, long enough to be replaced';

/** A record as the producer writes it: the text in `text`, the original's in the includes, geo in both. */
function record(id: string) {
  return JSON.stringify({
    v: 2,
    id,
    text: MESSAGE,
    data: {
      id,
      text: MESSAGE.slice(0, 40),
      geo: { place_id: "p1", coordinates: { coordinates: [139.7, 35.7] } },
    },
    includes: { tweets: [{ id: "9", text: MESSAGE.slice(9) }], places: [{ id: "p1", full_name: "Tokyo" }] },
  });
}
const GEO: AttributeValue = { M: { PlaceId: { S: "p1" } } };

describeOnEngines("the compliance geo scrub on stored records", (engine) => {
  let emulator: RunningEmulator;
  let client: DynamoDBClient;
  beforeAll(async () => {
    emulator = await engine.start();
    client = new DynamoDBClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await createEventTable(client, TABLE);
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await emulator?.close();
  });

  const key = (id: string) => ({ Username: { S: "dave" }, Id: { S: id } });
  const read = async (id: string, projection = true) =>
    (
      await client.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: key(id),
          ConsistentRead: true,
          // Raw is a reserved word: names go through placeholders, as the sweeper's query does.
          ...(projection
            ? {
                ProjectionExpression: GEO_SCRUB_ATTRIBUTES.map((_, i) => `#p${i}`).join(", "),
                ExpressionAttributeNames: Object.fromEntries(
                  GEO_SCRUB_ATTRIBUTES.map((n, i) => [`#p${i}`, n]),
                ),
              }
            : {}),
        }),
      )
    ).Item ?? {};
  // Through the sweeper's own table adapter; the scrub writes no batches.
  const unused = async (): Promise<never> => {
    throw new Error("the geo scrub writes no batches");
  };
  const scrub = (id: string) =>
    createDynamoTable({
      client,
      tableName: TABLE,
      write: unused,
      stateWrite: unused,
      deadline: () => Date.now() + 30_000,
      readDeadline: Date.now() + 30_000,
      onReadUnits: () => undefined,
    }).scrubGeo({ Username: "dave", Id: id });
  const put = (id: string, raw: AttributeValue) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key(id), Message: { S: MESSAGE }, Geo: GEO, Raw: raw },
      }),
    );

  it("removes Geo and the record's geo from an encoded Raw, which stays Binary and decodes to the rest", async () => {
    await put("1", { B: encodeStoredRecord(record("1"), MESSAGE) });

    expect(await scrub("1")).toBe("scrubbed");

    const item = await read("1", false);
    expect(item.Geo).toBeUndefined();
    expect(item.Raw?.B).toBeInstanceOf(Uint8Array);
    const scrubbed = JSON.parse(decodeStoredRecord({ B: item.Raw?.B ?? new Uint8Array() }, MESSAGE));
    const expected = JSON.parse(record("1"));
    delete expected.data.geo;
    delete expected.includes.places;
    expect(scrubbed).toEqual(expected);
    expect(await scrub("1")).toBe("no-geo");
  });

  it("scrubs an item written before the encoding (Raw a String) as before, keeping it a String", async () => {
    await put("2", { S: record("2") });

    expect(await scrub("2")).toBe("scrubbed");

    const item = await read("2", false);
    expect(item.Geo).toBeUndefined();
    expect(JSON.parse(item.Raw?.S ?? "{}")).not.toHaveProperty("data.geo");
    expect(JSON.parse(item.Raw?.S ?? "{}").includes.places).toBeUndefined();
  });

  it("changes nothing when the processor rewrote the item in between (the condition on Raw)", async () => {
    await put("3", { B: encodeStoredRecord(record("3"), MESSAGE) });
    const plan = planGeoScrub(await read("3"));
    await put("3", { B: encodeStoredRecord(record("3").replace("Tokyo", "Kyoto"), MESSAGE) });

    if (plan === "no-geo") throw new Error("expected geo to scrub");
    await expect(
      client.send(new UpdateItemCommand({ TableName: TABLE, Key: key("3"), ...plan })),
    ).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
    });
    expect((await read("3")).Geo).toEqual(GEO);
  });
});
