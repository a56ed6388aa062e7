// The original's event processor (the reference architecture's DDBEventProcessor Lambda), its logic ported to
// the AWS SDK v3 and bundled as the processor is, for the bench's side-by-side comparison. Per record: decode
// the base64, parse the JSON, put {Username, Id, Timestamp, Message} with the DocumentClient's batchWrite (25
// per call; the original assumed batches of at most 25). What it did not do is left out as it was: no KPL
// aggregates, no validation, no retry of what failed, no dead letters, no whole post. Its per-record
// console.log lines (payload, user, timestamp) are left out too: they would only make it slower.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = process.env.TABLE_NAME ?? "";
const PER_CALL = 25;

interface Envelope {
  id: string;
  text: string;
  createdAt: string;
  author: { username: string };
}

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const putItems = event.Records.map((record) => {
    const post = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")) as Envelope;
    return {
      PutRequest: {
        Item: { Username: post.author.username, Id: post.id, Timestamp: post.createdAt, Message: post.text },
      },
    };
  });
  for (let i = 0; i < putItems.length; i += PER_CALL) {
    await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: putItems.slice(i, i + PER_CALL) } }));
  }
  return { batchItemFailures: [] };
}
