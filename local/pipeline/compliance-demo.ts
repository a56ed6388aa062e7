import { type DynamoDBClient, GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { pino } from "pino";
import { isReservedPartition } from "../../compliance/checkpoint.js";
import { loadConfig } from "../../compliance/config.js";
import type { SweepSummary } from "../../compliance/summary.js";
import { createSweeper } from "../../compliance/sweeper.js";
import type { XEmulator } from "../x-emulator/index.js";

export interface ComplianceDemoTarget {
  x: XEmulator;
  dynamo: DynamoDBClient;
  table: string;
  /** Where the emulator listens (the sweeper calls its compliance API over HTTP, as it would call X). */
  xUrl: string;
}

export interface ComplianceDemoResult {
  /** The post the emulator deleted, or undefined when the table had none yet. */
  post?: { id: string; username: string };
  /** Whether that post's item is still in the table after the sweep. */
  stillStored: boolean;
  summary?: SweepSummary;
}

/**
 * What `npm start` shows on request: a stored post is deleted on the (emulated) X, then the real sweeper runs
 * one sweep against the local table and the emulator's batch compliance API, and the post's item is gone.
 */
export async function runComplianceDemo(target: ComplianceDemoTarget): Promise<ComplianceDemoResult> {
  const page = await target.dynamo.send(
    new ScanCommand({ TableName: target.table, Limit: 25, ProjectionExpression: "Username, Id" }),
  );
  const item = (page.Items ?? []).find((i) => !isReservedPartition(i.Username?.S ?? ""));
  if (item?.Id?.S === undefined || item.Username?.S === undefined) return { stillStored: false };
  const post = { id: item.Id.S, username: item.Username.S };
  target.x.compliance.deletePost(post.id);

  const config = loadConfig({
    TABLE_NAME: target.table,
    X_BEARER_TOKEN: target.x.bearerToken,
    X_API_BASE_URL: target.xUrl,
    COMPLIANCE_POLL_INTERVAL_MS: "100",
    DEADLINE_SAFETY_MARGIN_MS: "0",
  });
  const sweep = createSweeper({
    config,
    bearerToken: async () => target.x.bearerToken,
    // The summary is printed by the caller; warnings (malformed lines, failed jobs) still show on stderr.
    logger: pino({ level: "warn" }, pino.destination(2)),
    dynamo: target.dynamo,
  });
  const summary = await sweep(Date.now() + 120_000);
  return { post, stillStored: await isStored(target.dynamo, target.table, post), summary };
}

/**
 * Whether the post's item is in the table: a GetItem on its key. (One Scan page with a filter reads at most
 * 1 MB, so on a larger table it would report a stored post as gone.)
 */
export async function isStored(
  dynamo: DynamoDBClient,
  table: string,
  post: { id: string; username: string },
): Promise<boolean> {
  const found = await dynamo.send(
    new GetItemCommand({
      TableName: table,
      Key: { Username: { S: post.username }, Id: { S: post.id } },
      ProjectionExpression: "Id",
      ConsistentRead: true,
    }),
  );
  return found.Item !== undefined;
}

export function formatComplianceDemo(result: ComplianceDemoResult): string {
  if (result.post === undefined || result.summary === undefined)
    return "compliance: no post stored yet; try again in a few seconds";
  const s = result.summary;
  return (
    `compliance: post ${result.post.id} by @${result.post.username} deleted on X -> sweep checked ` +
    `${s.postsChecked} posts and ${s.usersChecked} users in ${s.durationMs} ms, removed ${s.itemsDeleted} ` +
    `item(s); the post is ${result.stillStored ? "STILL STORED" : "gone from the table"}`
  );
}
