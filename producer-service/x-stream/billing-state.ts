import type { Logger } from "pino";
import type { BillingRefusal, IngestReport } from "./ingest-events.js";

/**
 * While X refuses for billing, connecting is tried this often: 7.5 tries per 15 minutes of X's 50 connects, and
 * ingest resumes within 2 minutes of credits being bought or the cap raised.
 */
export const BILLING_CONNECT_RETRY_MS = 2 * 60_000;

/** Which requests X refused: stream connections, or recovery searches (retried on their own clocks). */
export type BillingSource = "connect" | "search";

/**
 * Whether X refuses this app for billing: the one writer of the billing gauge and /readyz's refusal, fed by the
 * connections and the recovery searches. Refused while either is refused: a search X accepts does not clear the
 * state while connections are still refused (nor the other way round). Said once per refusal (log, metric).
 */
export class BillingState {
  private current: BillingRefusal | undefined;
  private readonly refusals = new Map<BillingSource, BillingRefusal>();

  constructor(
    private readonly report: IngestReport,
    private readonly log: Logger,
    readonly retryInMs: number,
  ) {}

  get refusal(): BillingRefusal | undefined {
    return this.current;
  }

  /** X refused a request for billing: a person must act (the line says what). */
  refused(refusal: BillingRefusal, detail: string, source: BillingSource = "connect"): void {
    this.refusals.set(source, refusal);
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

  /** X answered a request from `source`: its refusal is over, and the state with it unless the other is refused. */
  accepted(source: BillingSource = "connect"): void {
    if (!this.refusals.delete(source) || this.current === undefined) return;
    const still = this.refusals.get("connect") ?? this.refusals.get("search");
    if (still !== undefined) {
      this.current = still;
      return;
    }
    this.log.info({ refusal: this.current }, "X accepts requests again (billing refusal over)");
    this.current = undefined;
    this.report({ kind: "billing", refusal: undefined });
  }
}
