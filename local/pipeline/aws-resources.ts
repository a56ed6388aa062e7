import { CreateTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, KinesisClient, waitUntilStreamExists } from "@aws-sdk/client-kinesis";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { RESERVED_PREFIX } from "../../compliance/checkpoint.js";

/** Emulators accept any key; fixed local credentials keep real ones from being sent anywhere. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function localKinesisClient(endpoint: string, region: string): KinesisClient {
  // The SDK's Kinesis client speaks HTTP/2 by default; kinesalite speaks HTTP/1.1.
  return new KinesisClient({
    endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
}

export function localSqsClient(endpoint: string, region: string): SQSClient {
  return new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
}

export function localDynamoClient(endpoint: string, region: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
}

export async function createStream(
  kinesis: KinesisClient,
  streamName: string,
  shardCount: number,
): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1 }, { StreamName: streamName });
}

/** The table as the stack creates it: Username (hash) + Id (range), both strings. */
export async function createEventTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: "Username", AttributeType: "S" },
        { AttributeName: "Id", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "Username", KeyType: "HASH" },
        { AttributeName: "Id", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

/**
 * Counts stored posts with a paginated COUNT scan (dynalite, like DynamoDB, does not keep ItemCount live),
 * leaving out the compliance sweeper's reserved partition (its checkpoint is not a post).
 */
export async function countItems(dynamo: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        Select: "COUNT",
        ExclusiveStartKey: start,
        FilterExpression: "NOT begins_with(#u, :reserved)",
        ExpressionAttributeNames: { "#u": "Username" },
        ExpressionAttributeValues: { ":reserved": { S: RESERVED_PREFIX } },
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return count;
}
