import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The cheapest Kinesis there is, for measuring the producer alone: acknowledges every PutRecords entry at
 * once without decoding or storing it. Run as its own process; prints {"port": n} when listening.
 */
const RESULT =
  '{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ShardId":"shardId-000000000000"}';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let body: string;
    if (req.headers["x-amz-target"] === "Kinesis_20131202.PutRecords") {
      const count = Buffer.concat(chunks).toString("latin1").split('"PartitionKey"').length - 1;
      body = `{"FailedRecordCount":0,"Records":[${new Array(count).fill(RESULT).join(",")}]}`;
    } else {
      body = '{"StreamDescriptionSummary":{"StreamName":"null","StreamStatus":"ACTIVE"}}';
    }
    res.writeHead(200, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
