import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BillingState } from "../billing-state.js";
import { RecordedEvents } from "./ingest-harness.js";

describe("BillingState, the one writer of the billing gauge", () => {
  it("a search X accepts does not clear the refusal while connections are still refused", () => {
    const events = new RecordedEvents();
    const billing = new BillingState(events.report, pino({ level: "silent" }), 120_000);
    billing.refused("credits-depleted", "402", "connect");
    billing.refused("credits-depleted", "402", "search");
    billing.accepted("search");
    expect(billing.refusal).toBe("credits-depleted");
    expect(events.all).toEqual([{ kind: "billing", refusal: "credits-depleted" }]);
    billing.accepted("connect");
    expect(billing.refusal).toBeUndefined();
    expect(events.all.at(-1)).toEqual({ kind: "billing", refusal: undefined });
  });

  it("a connection X accepts does not clear a search's refusal still waiting", () => {
    const events = new RecordedEvents();
    const billing = new BillingState(events.report, pino({ level: "silent" }), 120_000);
    billing.refused("usage-capped", "429", "search");
    billing.accepted("connect");
    expect(billing.refusal).toBe("usage-capped");
    billing.accepted("search");
    expect(billing.refusal).toBeUndefined();
  });
});
