import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export interface KinesisClientOptions {
  region: string;
  requestTimeoutMs: number;
  /** Sockets kept open: one per request in flight, plus one for the stream check. */
  maxSockets: number;
  /** Tests pass it; in service the SDK reads AWS_ENDPOINT_URL_KINESIS itself. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * A Kinesis client for batched writes:
 * - HTTP/1.1 with keep-alive. The SDK's Kinesis default is HTTP/2, which local emulators do not speak; for
 *   PutRecords (no event streams) HTTP/1.1 costs nothing against AWS either.
 * - One attempt per call. The writer retries itself, per record, with a throttle-aware delay and metrics; SDK
 *   retries would resend whole batches and hide throttling from both.
 * - A request timeout that fails the call (the handler only warns by default), so a silent connection
 *   cannot hold records forever.
 */
export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  return new KinesisClient({
    region: options.region,
    maxAttempts: 1,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(options.requestTimeoutMs, 5_000),
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}
