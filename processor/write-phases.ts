import { judgeSystemic } from "./bisect-rejected.js";
import type { PlannedWrite } from "./plan-batch.js";
import { requestKey, type WriteRequest, type WriteResult } from "./ports.js";
import { itemKey } from "./tweet-item.js";

export interface PhasedWriteResult extends WriteResult {
  /**
   * Deletes of earlier versions left undone because DynamoDB refused every newer version on its own: the earlier
   * version stays in the table. They are in `rejected`, so records carrying the earlier version are dead-lettered.
   */
  earlierVersionsKept: number;
}

type Outcome = { kind: "written" } | { kind: "unwritten" | "rejected"; reason: string };
const WRITTEN: Outcome = { kind: "written" };

/**
 * Writes a batch's requests in two phases: first every put, then the deletes of earlier versions of edited posts
 * whose newer version's put succeeded. In one BatchWriteItem call DynamoDB may carry out A's delete and hand B's
 * put back as unprocessed, and the table held neither version; now A or B is in the table at every moment.
 * A delete whose newer put was not written is reported `unwritten` (its records are retried, and the retry
 * deletes A once B is in); one whose newer versions were all refused on their own is left undone (`rejected`).
 * "Systemic" is judged per phase over the whole batch, never per 25-request call (see `judgeSystemic`).
 */
export async function writeInPhases(
  writes: readonly PlannedWrite[],
  write: (requests: readonly WriteRequest[]) => Promise<WriteResult>,
): Promise<PhasedWriteResult> {
  const puts = writes.filter((planned) => planned.newer === undefined).map((planned) => planned.request);
  const first = puts.length === 0 ? noWrites() : judgeSystemic(await write(puts), puts.length);
  const deletes = writes.filter((planned) => planned.newer !== undefined);
  if (deletes.length === 0) return { ...first, earlierVersionsKept: 0 };

  const putOutcomes = new Map<string, Outcome>();
  for (const { request, reason } of first.unwritten)
    putOutcomes.set(itemKey(requestKey(request)), { kind: "unwritten", reason });
  for (const { request, reason } of first.rejected)
    putOutcomes.set(itemKey(requestKey(request)), { kind: "rejected", reason });
  const deletesByKey = new Map(deletes.map((planned) => [itemKey(requestKey(planned.request)), planned]));
  const verdicts = new Map<string, Outcome>();
  // A newer version is in the table when its put was written, or (a version itself superseded in this batch)
  // when one of its own newer versions is. Ids grow with each edit, so the chain ends.
  const inTable = (key: string): Outcome => {
    const planned = deletesByKey.get(key);
    if (planned === undefined) return putOutcomes.get(key) ?? WRITTEN;
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      const outcomes = [...(planned.newer ?? [])].map(inTable);
      verdict =
        outcomes.find((outcome) => outcome.kind === "written") ??
        outcomes.find((outcome) => outcome.kind === "unwritten") ??
        outcomes[0] ??
        WRITTEN;
      verdicts.set(key, verdict);
    }
    return verdict;
  };

  const ready: WriteRequest[] = [];
  const deferred: WriteResult["unwritten"] = [];
  const kept: WriteResult["rejected"] = [];
  for (const [key, { request }] of deletesByKey) {
    const verdict = inTable(key);
    if (verdict.kind === "written") ready.push(request);
    else if (verdict.kind === "unwritten")
      deferred.push({ request, reason: `not deleted: its newer version is not written (${verdict.reason})` });
    else
      kept.push({
        request,
        reason: `an earlier version, not replaced: DynamoDB refused its newer version (${verdict.reason})`,
      });
  }
  const second = ready.length === 0 ? noWrites() : judgeSystemic(await write(ready), ready.length);
  const systemic = first.systemic ?? second.systemic;
  const cutByDeadline = first.cutByDeadline || second.cutByDeadline;
  return {
    unwritten: [...first.unwritten, ...deferred, ...second.unwritten],
    rejected: [...first.rejected, ...second.rejected, ...kept],
    retries: first.retries + second.retries,
    ...(systemic ? { systemic } : {}),
    ...(cutByDeadline ? { cutByDeadline } : {}),
    earlierVersionsKept: kept.length,
  };
}

const noWrites = (): WriteResult => ({ unwritten: [], rejected: [], retries: 0 });
