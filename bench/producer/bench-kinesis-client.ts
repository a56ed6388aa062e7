import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * The client the bench's own variants (seed design, transport ceiling) use: the real SDK v3 client over
 * HTTP/1.1, with static bench credentials so no credential chain is searched.
 */
export function benchKinesisClient(endpoint: string, region: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}
