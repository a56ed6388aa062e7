import { PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../emulators/dynalite.js";
import type { RunningEmulator } from "../emulators/listen.js";
import { countItems, createEventTable, localDynamoClient } from "../pipeline/aws-resources.js";
import { formatComplianceDemo, isStored, runComplianceDemo } from "../pipeline/compliance-demo.js";
import { demoInterval } from "../pipeline/compliance-demo-trigger.js";
import { startXEmulator, type XEmulator } from "../x-emulator/index.js";

const TABLE = "tweetstream-EventData";
let dynalite: RunningEmulator;
let x: XEmulator;
let dynamo: ReturnType<typeof localDynamoClient>;

beforeAll(async () => {
  dynalite = await startDynalite();
  x = await startXEmulator({ compliance: { processingMs: 20 } });
  dynamo = localDynamoClient(dynalite.endpoint, "us-east-1");
  await createEventTable(dynamo, TABLE);
  for (const [id, username] of [
    ["101", "alice"],
    ["102", "bob"],
    ["103", "carol"],
  ] as const) {
    await dynamo.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { Username: { S: username }, Id: { S: id }, AuthorId: { S: `9${id}` } },
      }),
    );
  }
});

afterAll(async () => {
  dynamo?.destroy();
  await Promise.all([x?.close(), dynalite?.close()]);
});

describe("the npm start compliance demo", () => {
  it("deletes one stored post on the emulated X and a real sweep removes exactly that item", async () => {
    const result = await runComplianceDemo({ x, dynamo, table: TABLE, xUrl: x.url });

    expect(result.post).toBeDefined();
    expect(result.stillStored).toBe(false);
    expect(result.summary).toMatchObject({ postsChecked: 3, itemsDeleted: 1, errors: 0 });
    expect(formatComplianceDemo(result)).toContain(`post ${result.post?.id} by @${result.post?.username}`);
    expect(formatComplianceDemo(result)).toContain("gone from the table");
    // The checkpoint item stays in the table, but the progress line's count is of posts only.
    const raw = await dynamo.send(new ScanCommand({ TableName: TABLE, Select: "COUNT" }));
    expect(raw.Count).toBe(3);
    expect(await countItems(dynamo, TABLE)).toBe(2);
  });

  it("finds a stored post in a table over 1 MB, wherever the scan order puts it", async () => {
    // 14 items of 100 KB: a Scan page stops at 1 MB, so some of them lie beyond the first page.
    const big = "big-table";
    await createEventTable(dynamo, big);
    const posts = Array.from({ length: 14 }, (_, i) => ({ id: String(500 + i), username: `user${i}` }));
    for (const post of posts)
      await dynamo.send(
        new PutItemCommand({
          TableName: big,
          Item: { Username: { S: post.username }, Id: { S: post.id }, Raw: { S: "r".repeat(100_000) } },
        }),
      );

    const found = await Promise.all(posts.map((post) => isStored(dynamo, big, post)));

    expect(found).toEqual(posts.map(() => true));
    expect(await isStored(dynamo, big, { id: "999", username: "user0" })).toBe(false);
  }, 60_000);

  it("reads LOCAL_COMPLIANCE_DEMO_SECONDS, refusing what is not whole seconds", () => {
    expect(demoInterval({})).toBe(0);
    expect(demoInterval({ LOCAL_COMPLIANCE_DEMO_SECONDS: "30" })).toBe(30);
    expect(() => demoInterval({ LOCAL_COMPLIANCE_DEMO_SECONDS: "1.5" })).toThrow(
      'LOCAL_COMPLIANCE_DEMO_SECONDS: expected whole seconds from 0 to 86400 (got "1.5")',
    );
  });
});
