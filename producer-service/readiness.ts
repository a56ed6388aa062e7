import type { KinesisHealth } from "./kinesis/health.js";
import type { BillingRefusal } from "./x-stream/index.js";

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
  ingest: {
    readonly connected: boolean;
    readonly billingRefusal?: BillingRefusal | undefined;
    readonly billingRetryMs?: number;
  },
  kinesis: KinesisHealth,
  spool?: Check,
): ReadinessReport {
  const refusal = ingest.billingRefusal;
  const xStream = ingest.connected
    ? { ok: true, detail: "connected" }
    : refusal !== undefined
      ? {
          ok: false,
          detail:
            ingest.billingRetryMs === undefined
              ? BILLING_ACTIONS[refusal]
              : `${BILLING_ACTIONS[refusal]} (retrying every ${inWords(ingest.billingRetryMs)})`,
        }
      : { ok: false, detail: "not connected to the X stream" };
  const kinesisCheck = { ok: kinesis.ok, detail: kinesis.detail };
  const checks: ReadinessReport["checks"] = { xStream, kinesis: kinesisCheck };
  if (spool !== undefined) checks.spool = spool;
  return { ready: Object.values(checks).every((check) => check.ok), checks };
}

/** What /readyz says while X refuses for billing: the refusal, and what a person must do about it. */
const BILLING_ACTIONS: Record<BillingRefusal, string> = {
  "usage-capped":
    "X refuses: the app's monthly usage cap is reached (429 usage-capped); raise the cap in the X developer console or wait for the next billing period",
  "credits-depleted":
    "X refuses: the app's prepaid credits are depleted (402 credits-depleted); buy credits in the X developer console",
};

/** "2 minutes", "90 s", "400 ms": how often a connection is retried, as /readyz says it. */
function inWords(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? "minute" : `${ms / 60_000} minutes`;
  return ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;
}
