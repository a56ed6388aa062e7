import type { KinesisHealth } from "./kinesis/health.js";

export interface ReadinessReport {
  ready: boolean;
  checks: { xStream: { ok: boolean; detail: string }; kinesis: { ok: boolean; detail: string } };
}

/** Ready means tweets can flow end to end: X is connected, and Kinesis last said yes. */
export function checkReadiness(
  ingest: { readonly connected: boolean },
  kinesis: KinesisHealth,
): ReadinessReport {
  const xStream = ingest.connected
    ? { ok: true, detail: "connected" }
    : { ok: false, detail: "not connected to the X stream" };
  const kinesisCheck = { ok: kinesis.ok, detail: kinesis.detail };
  return { ready: xStream.ok && kinesisCheck.ok, checks: { xStream, kinesis: kinesisCheck } };
}
