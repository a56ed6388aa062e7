import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { decodeItem } from "../../processor/decode-item.js";
import type { LocalPipeline } from "./pipeline.js";

export interface LongPostSample {
  key: string;
  /** Code points of the item's Message. */
  messageLength: number;
  /** Code points of the `text` X sent (cut at 280 weighted characters). */
  xTextLength: number;
}

const codePoints = (text: string) => [...text].length;

/**
 * A post over 280 characters as the table holds it: an item whose `Raw` envelope has X's `note_tweet` and whose
 * `Message` is that whole text. Reports lengths and the key only: tweet text stays out of the output.
 */
export async function findWholeLongPost(
  pipeline: LocalPipeline,
  maxPages = 5,
): Promise<LongPostSample | undefined> {
  let start: Record<string, never> | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await pipeline.dynamo.send(
      new ScanCommand({
        TableName: pipeline.names.table,
        // Raw is encoded (processor/README.md, "Encoding"): it is decoded here, not filtered on.
        ProjectionExpression: "Username, Id, Message, #raw",
        ExpressionAttributeNames: { "#raw": "Raw" },
        Limit: 200,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of (out.Items ?? []).map((i) => decodeItem(i))) {
      if (item.Raw === undefined) continue;
      const data = (JSON.parse(item.Raw) as { data?: { text?: string; note_tweet?: { text?: string } } })
        .data;
      const whole = data?.note_tweet?.text;
      if (whole !== undefined && item.Message === whole) {
        const key = `${item.Username}/${item.Id}`;
        return { key, messageLength: codePoints(whole), xTextLength: codePoints(data?.text ?? "") };
      }
    }
    start = out.LastEvaluatedKey as Record<string, never> | undefined;
    if (start === undefined) return undefined;
  }
  return undefined;
}
