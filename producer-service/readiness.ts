import type { KinesisHealth } from "./kinesis/health.js";

interface Check {
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { xStream: Check; kinesis: Check; spool?: Check };
}

/**
 * Ready means tweets can flow end to end: X is connected, Kinesis last said yes, and (with a spool) the spool
 * is not full, since then new tweets are dropped.
 */
export function checkReadiness(
  ingest: { readonly connected: boolean },
  kinesis: KinesisHealth,
  spool?: { isFull(): boolean; isBroken(): boolean },
): ReadinessReport {
  const xStream = ingest.connected
    ? { ok: true, detail: "connected" }
    : { ok: false, detail: "not connected to the X stream" };
  const kinesisCheck = { ok: kinesis.ok, detail: kinesis.detail };
  const checks: ReadinessReport["checks"] = { xStream, kinesis: kinesisCheck };
  if (spool !== undefined) {
    checks.spool = spool.isBroken()
      ? { ok: false, detail: "spool broken by a failed disk write: restart the producer to reopen it" }
      : spool.isFull()
        ? { ok: false, detail: "spool full (SPOOL_MAX_BYTES reached): new tweets are dropped" }
        : { ok: true, detail: "accepting records" };
  }
  return { ready: Object.values(checks).every((check) => check.ok), checks };
}
