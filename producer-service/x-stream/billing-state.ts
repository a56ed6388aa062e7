import type { Logger } from "pino";
import type { BillingRefusal, IngestReport } from "./ingest-events.js";

/**
 * While X refuses for billing, connecting is tried this often: 7.5 tries per 15 minutes of X's 50 connects, and
 * ingest resumes within 2 minutes of credits being bought or the cap raised.
 */
export const BILLING_CONNECT_RETRY_MS = 2 * 60_000;

/** Whether X refuses this app for billing: said once per refusal (log, metric), cleared when X accepts again. */
export class BillingState {
  private current: BillingRefusal | undefined;

  constructor(
    private readonly report: IngestReport,
    private readonly log: Logger,
    readonly retryInMs: number,
  ) {}

  get refusal(): BillingRefusal | undefined {
    return this.current;
  }

  /** X refused a request for billing: a person must act (the line says what). */
  refused(refusal: BillingRefusal, detail: string): void {
    if (this.current === refusal) return;
    this.current = refusal;
    this.report({ kind: "billing", refusal });
    this.log.error(
      { refusal, detail, retryInMs: this.retryInMs },
      refusal === "usage-capped"
        ? "X REFUSES: the app's monthly usage cap is reached (429 usage-capped); raise the cap in the X developer console or wait for the next billing period. Retrying rarely"
        : "X REFUSES: the app's prepaid credits are depleted (402 credits-depleted); buy credits in the X developer console. Retrying rarely",
    );
  }

  /** X answered a request: any refusal is over. */
  accepted(): void {
    if (this.current === undefined) return;
    this.log.info({ refusal: this.current }, "X accepts requests again (billing refusal over)");
    this.current = undefined;
    this.report({ kind: "billing", refusal: undefined });
  }
}
