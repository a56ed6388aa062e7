import { creditsDepleted, usageCapped, type XProblem } from "./problems.js";

/**
 * Pay-per-use X refuses billed requests for two reasons that do not clear by retrying soon: the monthly cap of
 * post reads is reached (429 `usage-capped`), or the prepaid credits are gone (402 `credits-depleted`).
 */
export type BillingRefusal = "usage-capped" | "credits-depleted";

/** The billed endpoints the emulator serves: a stream connection and a recent search. */
export type BilledEndpoint = "stream" | "search";

export interface XEmulatorBilling {
  /** From now on every stream connection and recent search is refused this way, until `lift()`. Open streams
   * are not touched (`faults.disconnect()` ends them). */
  refuse(refusal: BillingRefusal): void;
  /** Credits topped up, or a new month: billed requests are served again. */
  lift(): void;
  readonly refusal: BillingRefusal | undefined;
  /** Requests refused for billing so far, by endpoint. */
  readonly refused: Readonly<Record<BilledEndpoint, number>>;
}

/** Whether a billed request is refused, and with what: one state for every billed endpoint. */
export class Billing implements XEmulatorBilling {
  readonly refused: Record<BilledEndpoint, number> = { stream: 0, search: 0 };

  constructor(public refusal: BillingRefusal | undefined = undefined) {}

  refuse(refusal: BillingRefusal): void {
    this.refusal = refusal;
  }

  lift(): void {
    this.refusal = undefined;
  }

  /** The status and body to answer a billed request with, or undefined to serve it. */
  check(endpoint: BilledEndpoint): { status: 402 | 429; body: XProblem } | undefined {
    if (this.refusal === undefined) return undefined;
    this.refused[endpoint]++;
    return this.refusal === "usage-capped"
      ? { status: 429, body: usageCapped() }
      : { status: 402, body: creditsDepleted() };
  }
}
