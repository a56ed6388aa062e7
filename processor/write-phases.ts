import { judgeSystemic } from "./bisect-rejected.js";
import type { PlannedWrite } from "./plan-batch.js";
import { requestKey, type WriteRequest, type WriteResult } from "./ports.js";
import { itemKey } from "./tweet-item.js";

export interface PhasedWriteResult extends WriteResult {
  /**
   * Deletes of earlier versions left undone because DynamoDB refused every newer version on its own, for earlier
   * versions the batch did not carry: the earlier version stays in the table. They are in `rejected`, so the
   * records that carried the delete are dead-lettered with the refused newer version.
   */
  earlierVersionsKept: number;
  /**
   * Earlier versions the batch carried (`superseded` puts) written instead of deleted because DynamoDB refused
   * every newer version on its own. Their puts' failures are in `unwritten` and `rejected` as puts.
   */
  earlierVersionsRestored: number;
}

type Outcome = { kind: "written" } | { kind: "unwritten" | "rejected"; reason: string };
const WRITTEN: Outcome = { kind: "written" };

/**
 * Writes a batch's requests in phases: first every put, then the deletes of earlier versions of edited posts
 * whose newer version's put succeeded. In one BatchWriteItem call DynamoDB may carry out A's delete and hand B's
 * put back as unprocessed, and the table held neither version; now A or B is in the table at every moment.
 * A delete whose newer put was not written is reported `unwritten` (its records are retried, and the retry
 * deletes A once B is in). When DynamoDB refused every newer version on its own, the earlier version is kept:
 * written, if the batch carried it (its put was superseded by the delete), else left in the table (`rejected`).
 * A chain of versions in one batch (A, B, C) may take one more phase per version: B's restored put must succeed
 * before A's delete goes out. "Systemic" is judged per phase over the whole phase, never per 25-request call
 * (see `judgeSystemic`).
 */
export async function writeInPhases(
  writes: readonly PlannedWrite[],
  write: (requests: readonly WriteRequest[]) => Promise<WriteResult>,
): Promise<PhasedWriteResult> {
  const puts = writes.filter((planned) => planned.newer === undefined).map((planned) => planned.request);
  const total = new Phases(write);
  const first = await total.run(puts);
  const deletes = new Map(
    writes.filter((planned) => planned.newer !== undefined).map((p) => [itemKey(requestKey(p.request)), p]),
  );
  // Whether some version from this key on is in the table: for a put, its own outcome; for an earlier version,
  // decided as its delete is resolved below (undefined until then).
  const state = new Map<string, Outcome>();
  for (const { request, reason } of first.unwritten)
    state.set(itemKey(requestKey(request)), { kind: "unwritten", reason });
  for (const { request, reason } of first.rejected)
    state.set(itemKey(requestKey(request)), { kind: "rejected", reason });
  const inTable = (key: string): Outcome | undefined =>
    deletes.has(key) ? state.get(key) : (state.get(key) ?? WRITTEN);

  let kept = 0;
  let restored = 0;
  for (let open = [...deletes.keys()]; open.length > 0; ) {
    const phase: WriteRequest[] = [];
    const waiting: string[] = [];
    for (const key of open) {
      const planned = deletes.get(key) as PlannedWrite;
      const outcomes = [...(planned.newer ?? [])].map(inTable);
      const unwritten = outcomes.find((outcome) => outcome?.kind === "unwritten");
      const refused = outcomes.find((outcome) => outcome?.kind === "rejected");
      if (outcomes.length === 0 || outcomes.some((outcome) => outcome?.kind === "written")) {
        // A newer version is in: the delete goes out, and whatever becomes of it, a version is in the table.
        phase.push(planned.request);
        state.set(key, WRITTEN);
      } else if (outcomes.includes(undefined)) {
        waiting.push(key);
      } else if (unwritten?.kind === "unwritten") {
        total.unwritten.push({
          request: planned.request,
          reason: `not deleted: its newer version is not written (${unwritten.reason})`,
        });
        state.set(key, unwritten);
      } else if (planned.superseded !== undefined) {
        phase.push({ put: planned.superseded });
        restored += 1;
      } else {
        const reason = refused?.kind === "rejected" ? refused.reason : "refused";
        total.rejected.push({
          request: planned.request,
          reason: `an earlier version, not replaced: DynamoDB refused its newer version (${reason})`,
        });
        state.set(key, { kind: "rejected", reason });
        kept += 1;
      }
    }
    // Ids grow with each edit, so the newest open version never waits; this only guards against a bad plan.
    if (phase.length === 0 && waiting.length === open.length) {
      for (const key of waiting) {
        const request = (deletes.get(key) as PlannedWrite).request;
        total.unwritten.push({ request, reason: "not deleted: its newer versions wait on each other" });
      }
      break;
    }
    const result = await total.run(phase);
    for (const request of phase) if ("put" in request) state.set(itemKey(request.put), WRITTEN);
    for (const { request, reason } of result.unwritten)
      if ("put" in request) state.set(itemKey(request.put), { kind: "unwritten", reason });
    for (const { request, reason } of result.rejected)
      if ("put" in request) state.set(itemKey(request.put), { kind: "rejected", reason });
    open = waiting;
  }
  return { ...total.result(), earlierVersionsKept: kept, earlierVersionsRestored: restored };
}

/** Each phase written and judged on its own; their outcomes summed. */
class Phases {
  readonly unwritten: WriteResult["unwritten"] = [];
  readonly rejected: WriteResult["rejected"] = [];
  private retries = 0;
  private systemic: string | undefined;
  private cutByDeadline = false;

  constructor(private readonly write: (requests: readonly WriteRequest[]) => Promise<WriteResult>) {}

  async run(requests: readonly WriteRequest[]): Promise<WriteResult> {
    if (requests.length === 0) return { unwritten: [], rejected: [], retries: 0 };
    const result = judgeSystemic(await this.write(requests), requests.length);
    this.unwritten.push(...result.unwritten);
    this.rejected.push(...result.rejected);
    this.retries += result.retries;
    this.systemic ??= result.systemic;
    this.cutByDeadline ||= Boolean(result.cutByDeadline);
    return result;
  }

  result(): WriteResult {
    return {
      unwritten: this.unwritten,
      rejected: this.rejected,
      retries: this.retries,
      ...(this.systemic ? { systemic: this.systemic } : {}),
      ...(this.cutByDeadline ? { cutByDeadline: true } : {}),
    };
  }
}
