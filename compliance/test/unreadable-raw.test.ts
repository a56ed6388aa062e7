import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ComplianceEnvironment,
  type StoredPost,
  startComplianceEnvironment,
} from "./support/environment.js";

// One item whose Raw no reader can decode (corrupt, or a format newer than this sweeper) used to throw out of
// the geo scrub and stop every sweep there: nothing after it in any result file was ever applied again.
let env: ComplianceEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const post = (n: number): StoredPost => ({
  id: String(1_950_000_000_000_000_000n + BigInt(n)),
  username: "dave",
  authorId: "4242",
  geo: true,
  binary: true,
});

describe("the sweep with an unreadable Raw", () => {
  it("leaves that item unchanged, counts and logs it, and applies everything else", async () => {
    env = await startComplianceEnvironment();
    const [scrubbed, unreadable, deleted] = [post(1), post(2), post(3)];
    await env.store([scrubbed, unreadable, deleted]);
    const item = (await env.items()).get(`dave/${unreadable.id}`);
    // Format byte 9: events/stored-record.ts knows 1 and 2.
    await env.dynamo.send(
      new PutItemCommand({
        TableName: env.tableName,
        Item: { ...item, Raw: { B: Uint8Array.from([9, 1, 2, 3]) } },
      }),
    );
    env.x.compliance.scrubGeo(scrubbed.id);
    env.x.compliance.scrubGeo(unreadable.id);
    env.x.compliance.deletePost(deleted.id);

    const summary = await env.sweep();

    expect(summary).toMatchObject({
      errors: 0,
      passCompleted: true,
      rawUnreadable: 1,
      geoScrubbed: 1,
      itemsDeleted: 1,
    });
    const left = await env.items();
    expect(left.get(`dave/${scrubbed.id}`)?.Geo).toBeUndefined();
    expect(left.get(`dave/${unreadable.id}`)?.Raw?.B).toEqual(Uint8Array.from([9, 1, 2, 3]));
    expect(left.has(`dave/${deleted.id}`)).toBe(false);
  });
});
