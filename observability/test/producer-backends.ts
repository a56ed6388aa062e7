import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { startKinesalite } from "../../local/emulators/kinesalite.js";
import { freePort } from "../../local/emulators/listen.js";
import { createStream, LOCAL_CREDENTIALS, localKinesisClient } from "../../local/pipeline/aws-resources.js";
import { startXEmulator, type XEmulator } from "../../local/x-emulator/index.js";

export const STREAM_NAME = "tweetstream-events";
const REGION = "us-east-1";

/** What a real producer needs around it, all on loopback: the X API emulator and kinesalite with the stream. */
export interface ProducerBackends {
  readonly x: XEmulator;
  readonly kinesis: KinesisClient;
  readonly kinesisEndpoint: string;
  /** The producer's port: a free one, so parallel test files and other services on 3000 cannot collide. */
  readonly port: number;
  /**
   * The producer's environment, as an operator would set it (emulator credentials, no real secrets). HOST
   * is left to the producer's default (all interfaces), as in the container.
   */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startProducerBackends(): Promise<ProducerBackends> {
  const kinesalite = await startKinesalite();
  const kinesis = localKinesisClient(kinesalite.endpoint, REGION);
  const x = await startXEmulator({ seed: 42 });
  try {
    await createStream(kinesis, STREAM_NAME, 1);
    const port = await freePort();
    return {
      x,
      kinesis,
      kinesisEndpoint: kinesalite.endpoint,
      port,
      env: {
        X_BEARER_TOKEN: x.bearerToken,
        X_API_BASE_URL: x.url,
        // The filtered stream delivers nothing without a rule, on X as on the emulator.
        X_STREAM_RULES: JSON.stringify([{ value: "tweetstream", tag: "observability-test" }]),
        KINESIS_STREAM_NAME: STREAM_NAME,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_KINESIS: kinesalite.endpoint,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        BATCH_LINGER_MS: "20",
        PORT: String(port),
        LOG_LEVEL: "warn",
        SHUTDOWN_GRACE_MS: "5000",
      },
      close: async () => {
        kinesis.destroy();
        await x.close();
        await kinesalite.close();
      },
    };
  } catch (error) {
    kinesis.destroy();
    await x.close();
    await kinesalite.close();
    throw error;
  }
}
