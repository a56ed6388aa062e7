import type { ProducerMetrics } from "./metrics.js";
import type { IngestObserver, ReconnectCause, RecoverySkipReason } from "./x-stream/ingest-types.js";

/** Turns what the X ingest reports into metrics (the ingest logs connections and failures itself). */
export function createIngestObserver(metrics: ProducerMetrics): IngestObserver {
  return {
    connected() {
      metrics.streamConnected.set(1);
    },
    disconnected(cause: ReconnectCause) {
      metrics.streamConnected.set(0);
      metrics.reconnects.inc({ cause });
    },
    tweetReceived() {
      metrics.tweetsReceived.inc();
    },
    messageDropped(reason: string) {
      metrics.streamMessagesDropped.inc({ reason });
    },
    includesDropped() {
      metrics.includesDropped.inc();
    },
    tweetRecovered() {
      metrics.tweetsRecovered.inc();
    },
    connectionTakenOver() {
      metrics.connectionTakeovers.inc();
    },
    duplicateSkipped() {
      metrics.duplicatesSkipped.inc();
    },
    recoverySkipped(reason: RecoverySkipReason) {
      metrics.recoverySkipped.inc({ reason });
    },
  };
}
