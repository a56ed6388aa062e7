import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/app-harness.js";
import {
  checkDelivery,
  knobSeconds,
  RSS_BOUND_BYTES,
  sampleRss,
  sleep,
  startSpooledProducer,
  TWEETS_PER_SECOND,
  useFaultRig,
  waitDelivered,
} from "./harness.js";

// The issue asks for a 60-second outage at 1,000 tweets/s; set FAULT_OUTAGE_SECONDS lower for a quick look.
const OUTAGE_SECONDS = knobSeconds("FAULT_OUTAGE_SECONDS", 60);

const rig = useFaultRig(beforeAll, afterAll);

describe("a Kinesis outage at 1,000 tweets/s", () => {
  it(
    "keeps reading X into the spool, then delivers every tweet, uncorrupted, with memory bounded",
    async () => {
      // Prepare: the smallest buffer, so the outage overflows it within a second.
      const producer = startSpooledProducer(rig, { requestTimeoutMs: 2000, shutdownGraceMs: 5000 });
      const rss = sampleRss(producer);
      await rig.x.waitForConnections(1, 20_000);
      rig.x.setRate(TWEETS_PER_SECOND);
      await eventually(() => rig.kinesis.stored.length >= 1_000, 20_000, "tweets flowing");

      // Act: every PutRecords call fails for the whole outage; then the stream comes back.
      rig.kinesis.set({ kind: "error", status: 500, type: "InternalFailure" });
      const readDuringOutage = await producer.metric("tweetstream_producer_tweets_received_total");
      await sleep(OUTAGE_SECONDS * 1000);
      const spooledDuringOutage = await producer.metric("tweetstream_producer_spool_records");
      const readAfterOutage = await producer.metric("tweetstream_producer_tweets_received_total");
      const ready = await fetch(`${await producer.url()}/readyz`);
      rig.kinesis.set({ kind: "ok" });
      await sleep(2_000);
      rig.x.setRate(0);
      await waitDelivered(rig.kinesis, rig.x.sent, 90_000);
      await eventually(
        async () => (await producer.metric("tweetstream_producer_spool_records")) === 0,
        10_000,
        "spool drained",
      );
      const possibleDuplicates = await producer.metric("tweetstream_producer_possible_duplicates_total");
      const peakRss = rss.stop();
      const code = await producer.kill("SIGTERM");

      // Assess
      expect(code, producer.output()).toBe(0);
      // X was read throughout: at least half the rate, and the spool took what memory could not hold.
      expect(readAfterOutage - readDuringOutage).toBeGreaterThan(OUTAGE_SECONDS * TWEETS_PER_SECOND * 0.5);
      expect(spooledDuringOutage).toBeGreaterThan(OUTAGE_SECONDS * TWEETS_PER_SECOND * 0.5);
      expect(ready.status).toBe(503);
      const delivery = checkDelivery(rig.x.sent, rig.kinesis.stored);
      expect(delivery.corrupted).toEqual([]);
      expect(delivery.delivered.size).toBe(rig.x.sent.length);
      expect(delivery.duplicates).toBeLessThanOrEqual(possibleDuplicates);
      expect(peakRss).toBeLessThan(RSS_BOUND_BYTES);
      console.info(
        JSON.stringify({
          fault: `outage ${OUTAGE_SECONDS}s (all calls 500)`,
          sent: rig.x.sent.length,
          delivered: delivery.delivered.size,
          duplicates: delivery.duplicates,
          peakRssMiB: Math.round(peakRss / 2 ** 20),
        }),
      );
    },
    (OUTAGE_SECONDS + 120) * 1000,
  );
});
