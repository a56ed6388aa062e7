import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEvent, type TweetEvent } from "../../events/index.js";
import { startKinesalite } from "../../local/emulators/kinesalite.js";
import { startXEmulator } from "../../local/x-emulator/index.js";
import { eventually, testApp, testConfig } from "./support/app-harness.js";
import { createStream, readStream } from "./support/kinesis-stream.js";
import { kinesisClient, metricValue } from "./support/writer-harness.js";

const TWEETS = 1_500;

let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
let streams = 0;

beforeAll(async () => {
  kinesalite = await startKinesalite();
});
afterAll(async () => {
  await kinesalite.close();
});

describe.each([
  { aggregation: "off", chunking: "worst-case" as const },
  { aggregation: "on", chunking: "random" as const },
])(
  "X emulator → twitter-api-v2 ingest → app → kinesalite (AGGREGATION=$aggregation, $chunking chunks)",
  ({ aggregation, chunking }) => {
    it("delivers every tweet once, its text byte-identical", async () => {
      // Prepare: the emulator cuts the stream inside UTF-8 characters and around the \r\n that ends messages.
      const stream = `e2e-${++streams}`;
      const client = kinesisClient(kinesalite.endpoint);
      await createStream(client, stream, 2);
      const emulator = await startXEmulator({ chunking, seed: streams });
      const { app, close } = testApp(
        testConfig({ X_API_BASE_URL: emulator.url, KINESIS_STREAM_NAME: stream, AGGREGATION: aggregation }),
        kinesalite.endpoint,
      );
      await app.ready();
      await emulator.waitForConnections(1);

      // Act
      emulator.publish(TWEETS);
      await eventually(
        async () => (await metricValue(app.metrics.recordsPut)) >= TWEETS,
        60_000,
        "all tweets put",
      );
      await close();
      await emulator.close();
      const stored = await readStream(client, stream);
      client.destroy();

      // Assess
      const events = stored.flatMap((record) => record.userRecords.map((bytes) => decoded(bytes)));
      expect(events).toHaveLength(TWEETS);
      const byId = new Map(events.map((e) => [e.id, e]));
      expect(byId.size).toBe(TWEETS);
      expect(emulator.sent).toHaveLength(TWEETS);
      for (const sent of emulator.sent) {
        const event = byId.get(sent.id);
        expect(Buffer.from(event?.text ?? "").equals(Buffer.from(sent.message.data.text))).toBe(true);
        expect(event?.author.username).toBe(sent.message.includes?.users?.[0]?.username);
      }
      // The run exercised multi-byte characters (their UTF-8 is longer than their UTF-16 length).
      expect(events.some((e) => Buffer.byteLength(e.text) > e.text.length)).toBe(true);
      expect(await metricValue(app.metrics.postsReceived)).toBe(TWEETS);
      expect(await metricValue(app.metrics.streamMessagesDropped)).toBe(0);
    });
  },
);

function decoded(bytes: Buffer): TweetEvent {
  const result = decodeEvent(bytes);
  if (!result.ok) throw result.error;
  return result.value;
}
