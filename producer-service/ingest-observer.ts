import type { Logger } from "pino";
import type { ProducerMetrics } from "./metrics.js";
import type { IngestObserver, ReconnectCause } from "./x-stream/ingest-types.js";

/** Turns what the X ingest reports into metrics and log lines. */
export function createIngestObserver(metrics: ProducerMetrics, log: Logger): IngestObserver {
  return {
    connected() {
      metrics.streamConnected.set(1);
      log.info("connected to the X stream");
    },
    disconnected(cause: ReconnectCause, detail: string) {
      metrics.streamConnected.set(0);
      metrics.reconnects.inc({ cause });
      log.warn({ cause, detail }, "disconnected from the X stream; reconnecting");
    },
    tweetReceived() {
      metrics.tweetsReceived.inc();
    },
    messageDropped(reason: string) {
      metrics.streamMessagesDropped.inc({ reason });
    },
  };
}
