import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../../local/emulators/dynalite.js";
import type { RunningEmulator } from "../../local/emulators/listen.js";
import { createEventTable } from "../../local/pipeline/aws-resources.js";
import { toAttributeValues } from "../item-attributes.js";
import { toTweetItem } from "../tweet-item.js";
import { tweetV2 } from "./support/v2-records.js";

const run = promisify(execFile);
const TABLE = "show-item-test";
const event = tweetV2(3, {
  text: "長い投稿 🚀 ".repeat(50),
  data: { note_tweet: { text: "長い投稿 🚀 ".repeat(50) } },
});
const item = toTweetItem(event, "2026-12-01T00:00:02.000Z");
const command = (args: string[], env: Record<string, string> = {}, input?: string) => {
  const child = run(process.execPath, ["--import", "tsx", "processor/show-item.ts", ...args], {
    env: { ...process.env, ...env },
  });
  if (input !== undefined) child.child.stdin?.end(input);
  return child;
};

describe("npm run item (the decoder command)", () => {
  let dynalite: RunningEmulator;
  beforeAll(async () => {
    dynalite = await startDynalite();
    const client = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await createEventTable(client, TABLE);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: toAttributeValues(item) }));
    client.destroy();
  });
  afterAll(() => dynalite?.close());

  it("prints an item of the table with its record decoded", async () => {
    const { stdout } = await command([item.Username, item.Id], {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    });

    const printed = JSON.parse(stdout);
    expect(printed.record).toEqual(event);
    expect(printed).toMatchObject({ Username: item.Username, Message: item.Message, Hashtags: ["aws"] });
  }, 30_000);

  it("decodes what the AWS CLI prints (binaries in base64) from stdin", async () => {
    const wire = toAttributeValues(item);
    const cli = {
      Item: { ...wire, Raw: { B: Buffer.from(item.Raw ?? new Uint8Array()).toString("base64") } },
    };

    const { stdout } = await command(["-"], {}, JSON.stringify(cli));

    expect(JSON.parse(stdout).record).toEqual(event);
  }, 30_000);

  it("says how to use it when the key is missing", async () => {
    await expect(command([], { TABLE_NAME: TABLE })).rejects.toMatchObject({
      stderr: expect.stringMatching(/usage/),
    });
  }, 30_000);
});
