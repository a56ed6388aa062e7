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
 * takes records. The spool's check is read from the writer's spool state (kinesis/spool-state.ts).
 */
export function checkReadiness(
  ingest: { readonly connected: boolean },
  kinesis: KinesisHealth,
  spool?: Check,
): ReadinessReport {
  const xStream = ingest.connected
    ? { ok: true, detail: "connected" }
    : { ok: false, detail: "not connected to the X stream" };
  const kinesisCheck = { ok: kinesis.ok, detail: kinesis.detail };
  const checks: ReadinessReport["checks"] = { xStream, kinesis: kinesisCheck };
  if (spool !== undefined) checks.spool = spool;
  return { ready: Object.values(checks).every((check) => check.ok), checks };
}
