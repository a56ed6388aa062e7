// What the AWS SDK alone costs to send items (bench/README.md, "Where the time goes"): BatchWriteItem calls of
// 25 items through the processor's DynamoDB client configuration, with a request handler that answers at once
// (no network, no endpoint), so only the SDK's own work is timed: serializing, signing, middleware, parsing
// the answer. The processor's items for the rich-mix corpus against the original's four attributes of the same
// posts. CPU per item: medians (and minimums) of alternating passes, process.cpuUsage.
// Usage: npx tsx bench/processor/sdk-cost.ts [passes]
import { Readable } from "node:stream";
import { type AttributeValue, BatchWriteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { HttpRequest } from "@smithy/types";
import { toAttributeValues } from "../../processor/item-attributes.js";
import { toTweetItem } from "../../processor/tweet-item.js";
import { spread } from "../lib/stats.js";
import { richCorpus } from "./corpus.js";

const passes = Number(process.argv[2] ?? 15);
let bodyBytes = 0;
const client = new DynamoDBClient({
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  endpoint: "http://127.0.0.1:9",
  maxAttempts: 1,
  requestHandler: {
    handle: async (request: HttpRequest) => {
      bodyBytes += (request.body as Uint8Array).length;
      const body = Readable.from([Buffer.from('{"UnprocessedItems":{}}')]);
      return {
        response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body },
      };
    },
  },
});
const posts = richCorpus(600);
const processorItems = posts.map((post) =>
  toAttributeValues(toTweetItem(post.event, "2026-12-01T00:00:00.000Z")),
);
const originalItems = processorItems.map(({ Username, Id, Timestamp, Message }) => ({
  Username,
  Id,
  Timestamp,
  Message,
}));
const sets: Record<string, Record<string, AttributeValue | undefined>[]> = {
  "the processor's items": processorItems,
  "the original's items (Username, Id, Timestamp, Message)": originalItems,
};

const samples = new Map<string, number[]>();
const bytes = new Map<string, number>();
for (let pass = 0; pass <= passes; pass++) {
  for (const [name, items] of Object.entries(sets)) {
    bodyBytes = 0;
    const before = process.cpuUsage();
    for (let i = 0; i < items.length; i += 25) {
      const requests = items
        .slice(i, i + 25)
        .map((Item) => ({ PutRequest: { Item: Item as Record<string, AttributeValue> } }));
      // As the processor sends: an abort signal for the invocation's deadline.
      await client.send(new BatchWriteItemCommand({ RequestItems: { bench: requests } }), {
        abortSignal: AbortSignal.timeout(60_000),
      });
    }
    const used = process.cpuUsage(before);
    if (pass === 0) continue;
    samples.set(name, [...(samples.get(name) ?? []), (used.user + used.system) / items.length]);
    bytes.set(name, bodyBytes / items.length);
  }
}
console.log(
  `| items (${posts.length} posts, ${passes} passes) | request bytes per item | SDK CPU µs per item: median (min) |`,
);
console.log("| --- | --- | --- |");
for (const [name, values] of samples) {
  const { median, min } = spread(values);
  console.log(
    `| ${name} | ${(bytes.get(name) ?? 0).toFixed(0)} | ${median.toFixed(1)} (${min.toFixed(1)}) |`,
  );
}
