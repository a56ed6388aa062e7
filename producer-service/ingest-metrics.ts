import type { ProducerMetrics } from "./metrics.js";
import { BILLING_REFUSALS, type IngestEvent, type IngestReport } from "./x-stream/ingest-events.js";

/** Turns what the X ingest reports into metrics (the ingest logs connections and failures itself). */
export function ingestMetrics(metrics: ProducerMetrics): IngestReport {
  return (event: IngestEvent) => {
    switch (event.kind) {
      case "connected":
        metrics.streamConnected.set(1);
        return;
      case "disconnected":
        metrics.streamConnected.set(0);
        metrics.reconnects.inc({ cause: event.cause });
        return;
      case "post-received":
        metrics.postsReceived.inc();
        return;
      case "message-dropped":
        metrics.streamMessagesDropped.inc({ reason: event.reason });
        return;
      case "includes-dropped":
        metrics.includesDropped.inc();
        return;
      case "post-recovered":
        metrics.postsRecovered.inc();
        return;
      case "duplicate-skipped":
        metrics.duplicatesSkipped.inc();
        return;
      case "possible-duplicate":
        metrics.possibleDuplicates.inc();
        return;
      case "connection-taken-over":
        metrics.connectionTakeovers.inc();
        return;
      case "recovery-skipped":
        metrics.recoverySkipped.inc({ reason: event.reason });
        return;
      case "gap":
        metrics.recoveryGaps.inc({ origin: event.origin });
        return;
      case "billing":
        for (const refusal of BILLING_REFUSALS)
          metrics.xBillingRefused.set({ refusal }, refusal === event.refusal ? 1 : 0);
        return;
      case "watermark-written":
        metrics.watermarkWrites.inc();
        return;
      case "watermark-write-failed":
        metrics.watermarkWriteFailures.inc();
        return;
      default:
        // A new kind of event that is counted nowhere does not compile.
        return event satisfies never;
    }
  };
}
