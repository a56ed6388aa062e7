import { createServer } from "node:net";
import { CreateStreamCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { startKinesalite } from "../../local/emulators/kinesalite.js";

export const STREAM_NAME = "tweetstream-events";

/** What the containerised producer talks to, on host loopback (chroot isolation shares the network). */
export interface ProducerFixture {
  /** The producer's own HTTP address (a free port, not 3000, so parallel test runs cannot collide). */
  readonly baseUrl: string;
  readonly env: Record<string, string>;
  readonly kinesis: KinesisClient;
  close(): Promise<void>;
}

export async function startProducerFixture(): Promise<ProducerFixture> {
  const kinesalite = await startKinesalite();
  const kinesis = new KinesisClient({
    endpoint: kinesalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    requestHandler: new NodeHttpHandler(),
  });
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM_NAME, ShardCount: 1 }));
  const port = await freePort();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    env: {
      PORT: String(port),
      X_BEARER_TOKEN: "container-test-token",
      KINESIS_STREAM_NAME: STREAM_NAME,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_ENDPOINT_URL_KINESIS: kinesalite.endpoint,
      SHUTDOWN_GRACE_MS: "5000",
    },
    kinesis,
    close: async () => {
      kinesis.destroy();
      await kinesalite.close();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}
