import type { ItemKey, JobType, SweepLogger, TablePort } from "./ports.js";
import { readResultLine, resultLines } from "./results.js";
import type { SweepSummary } from "./summary.js";

export interface ApplyContext {
  table: TablePort;
  logger: SweepLogger;
  summary: SweepSummary;
  dryRun: boolean;
  deadline: number;
  now: () => number;
  /** Items a dry run already counted in this sweep: nothing is deleted, so a later job would find them again. */
  dryRunCounted: Set<string>;
}

/** Malformed lines logged one by one before the rest are only counted. */
const MALFORMED_LOG_LIMIT = 5;

const keyOf = (key: ItemKey) => `${key.Username}\u0000${key.Id}`;

/**
 * Applies one complete job's result file. `uploaded` are the job's own lines (`<id>\t<username>`): the only
 * ids acted on, and where their items live. Returns false when some change did not happen (a delete
 * DynamoDB did not take, an item that changed while being scrubbed, the deadline reached during the
 * per-author queries or the scrubs): the caller keeps the job, downloads and applies the file again on the
 * next sweep. Applying again is idempotent: deleting a gone item and scrubbing a scrubbed one change nothing.
 */
export async function applyResults(
  type: JobType,
  resultText: string,
  uploaded: readonly string[],
  ctx: ApplyContext,
): Promise<boolean> {
  const { summary, logger } = ctx;
  const owners = new Map<string, string[]>();
  for (const line of uploaded) {
    const [id = "", username = ""] = line.split("\t");
    const list = owners.get(id);
    if (list) list.push(username);
    else owners.set(id, [username]);
  }

  const deletes = new Map<string, { key: ItemKey; reason: string }>();
  const scrubs = new Map<string, ItemKey>();
  let lineNumber = 0;
  let outOfTime = false;
  for (const line of resultLines(resultText)) {
    // Each `users` line is a query per username. Nothing collected is applied once the deadline has passed:
    // the batch writer would refuse the deletes, so the whole file is applied on the next sweep instead.
    if (ctx.now() >= ctx.deadline) {
      outOfTime = true;
      break;
    }
    lineNumber += 1;
    const verdict = readResultLine(line, type);
    if (verdict.kind === "malformed") {
      summary.malformedLines += 1;
      if (summary.malformedLines <= MALFORMED_LOG_LIMIT)
        logger.warn(
          { type, lineNumber, problem: verdict.problem },
          "malformed compliance result line skipped",
        );
      continue;
    }
    const usernames = owners.get(verdict.id);
    if (usernames === undefined) {
      summary.unknownIds += 1;
      logger.warn({ type, lineNumber }, "compliance result for an id that was not uploaded skipped");
      continue;
    }
    const keys =
      type === "tweets"
        ? usernames.map((Username) => ({ Username, Id: verdict.id }))
        : (await Promise.all(usernames.map((u) => ctx.table.itemsOfAuthor(u, verdict.id)))).flat();
    for (const key of keys) {
      if (verdict.kind === "delete") deletes.set(keyOf(key), { key, reason: verdict.reason });
      else scrubs.set(keyOf(key), key);
    }
  }
  if (summary.malformedLines > MALFORMED_LOG_LIMIT)
    logger.warn({ type, malformedLines: summary.malformedLines }, "more malformed result lines skipped");
  if (outOfTime) return stoppedAtDeadline(logger, type, lineNumber);
  if (type === "tweets") summary.postsChecked += owners.size;
  else summary.usersChecked += owners.size;
  // An item about to be deleted needs no scrubbing.
  for (const id of deletes.keys()) scrubs.delete(id);

  const count = (reason: string, n: number) => {
    summary.itemsDeleted += n;
    summary.deletedByReason[reason] = (summary.deletedByReason[reason] ?? 0) + n;
  };
  if (ctx.dryRun) {
    for (const [id, { reason }] of deletes) if (!ctx.dryRunCounted.has(id)) count(reason, 1);
    for (const id of scrubs.keys()) if (!ctx.dryRunCounted.has(id)) summary.geoScrubbed += 1;
    for (const id of [...deletes.keys(), ...scrubs.keys()]) ctx.dryRunCounted.add(id);
    return true;
  }

  const { failed } = await ctx.table.deleteItems(
    [...deletes.values()].map((d) => d.key),
    ctx.deadline,
  );
  const failedKeys = new Set(failed.map((f) => keyOf(f.key)));
  for (const [id, { reason }] of deletes) if (!failedKeys.has(id)) count(reason, 1);
  if (failed.length > 0) {
    summary.deleteFailures += failed.length;
    logger.error(
      { type, failed: failed.length, firstReason: failed[0]?.reason },
      "deletes not taken by DynamoDB; the job's results are applied again on the next sweep",
    );
  }

  let conflicts = 0;
  for (const key of scrubs.values()) {
    if (ctx.now() >= ctx.deadline) {
      outOfTime = true;
      break;
    }
    const outcome = await ctx.table.scrubGeo(key);
    if (outcome === "scrubbed") summary.geoScrubbed += 1;
    if (outcome === "conflict") conflicts += 1;
  }
  if (conflicts > 0) {
    summary.geoConflicts += conflicts;
    logger.warn({ type, conflicts }, "items changed while their geo was scrubbed; scrubbed again next sweep");
  }
  if (outOfTime) return stoppedAtDeadline(logger, type, lineNumber);
  return failed.length === 0 && conflicts === 0;
}

function stoppedAtDeadline(logger: SweepLogger, type: JobType, lineNumber: number): false {
  logger.warn(
    { type, lineNumber },
    "compliance results not fully applied by the deadline; the job is downloaded and applied again next sweep",
  );
  return false;
}
