import { mapWithConcurrency } from "../lambda-support/concurrency.js";
import type { ItemKey, JobType, SweepLogger, TablePort } from "./ports.js";
import type { IncludesPrune } from "./references.js";
import { readResultLine, resultLines, type Verdict } from "./results.js";
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
/** Result lines applied at a time: the checkpoint records each applied slice, so a sweep resumes after it. */
export const SLICE_LINES = 250;
/** Per-author `Query`s in flight while a `users` slice is collected. */
const QUERY_CONCURRENCY = 8;

const keyOf = (key: ItemKey) => `${key.Username}\u0000${key.Id}`;

/** Where a job's result file stands: lines applied by earlier sweeps, and how to record more. */
export interface ApplyProgress {
  /** Result lines (non-empty, in file order) already applied: skipped. */
  from: number;
  /** Records that the first `lines` lines are applied (the checkpoint), after every change of a slice held. */
  applied(lines: number): Promise<void>;
}

interface SliceChanges {
  deletes: Map<string, { key: ItemKey; reason: string }>;
  scrubs: Map<string, ItemKey>;
  /** Items whose includes carry a flagged referenced post or author, and what goes from them. */
  prunes: Map<string, { key: ItemKey; prune: IncludesPrune }>;
}

/** Where an uploaded id lives: items of its own (by username), and items whose includes reference it. */
interface Owner {
  usernames: string[];
  holders: ItemKey[];
}

/**
 * Applies one complete job's result file, a slice of `SLICE_LINES` lines at a time from `progress.from`.
 * `uploaded` are the job's own lines (`<id>\t<username>`, or `<id>\t<username>\t<holder id>` for an id
 * referenced in the includes of the item `<username>`/`<holder id>`): the only ids acted on, and where
 * their items live (a referenced id is removed from its holders' includes, the holders' own posts stay). Each slice is collected (one `Query` per author and username for `users`), then its deletes and scrubs
 * are made, then, if every one of them held, recorded as applied: a sweep stopped by its deadline loses at most
 * the slice it was in, and the next one resumes after the last recorded slice. Returns false when some change
 * did not happen (a delete DynamoDB did not take, an item that changed while being scrubbed, the deadline):
 * the caller keeps the job, downloads the file again on the next sweep and applies it from the first slice not
 * recorded. Applying again is idempotent: deleting a gone item and scrubbing a scrubbed one change nothing.
 */
export async function applyResults(
  type: JobType,
  resultText: string,
  uploaded: readonly string[],
  ctx: ApplyContext,
  progress: ApplyProgress,
): Promise<boolean> {
  const { summary, logger } = ctx;
  const lines = resultLines(resultText);
  // Where each id the file names lives, and only those: X lists only ids with an event, a few in a hundred,
  // so a 500,000-id round does not hold a map of every uploaded id.
  const named = new Set<string>();
  for (const line of lines.slice(progress.from)) {
    const verdict = readResultLine(line, type);
    if (verdict.kind !== "malformed") named.add(verdict.id);
  }
  const owners = new Map<string, Owner>();
  for (const line of uploaded) {
    const id = line.slice(0, line.indexOf("\t"));
    if (!named.has(id)) continue;
    const [, username = "", holder] = line.split("\t");
    const owner = owners.get(id) ?? { usernames: [], holders: [] };
    owners.set(id, owner);
    if (holder === undefined) owner.usernames.push(username);
    else owner.holders.push({ Username: username, Id: holder });
  }
  // Once a slice did not fully hold, later ones are still applied but no longer recorded: the next sweep
  // starts again at that slice.
  let recording = true;
  for (let start = progress.from; start < lines.length; start += SLICE_LINES) {
    const slice = lines.slice(start, start + SLICE_LINES);
    const changes = await collect(type, slice, start, owners, ctx);
    if (changes === "deadline") return stoppedAtDeadline(logger, type, start);
    const held = await applyChanges(type, changes, ctx);
    if (held === "deadline") return stoppedAtDeadline(logger, type, start);
    if (!held) recording = false;
    if (recording) await progress.applied(start + slice.length);
    summary.resultLinesApplied += slice.length;
  }
  if (summary.malformedLines > MALFORMED_LOG_LIMIT)
    logger.warn({ type, malformedLines: summary.malformedLines }, "more malformed result lines skipped");
  return recording;
}

/** The keys a slice of result lines asks to delete or scrub; "deadline" when it was reached while querying. */
async function collect(
  type: JobType,
  slice: readonly string[],
  start: number,
  owners: ReadonlyMap<string, Owner>,
  ctx: ApplyContext,
): Promise<SliceChanges | "deadline"> {
  const { summary, logger } = ctx;
  const verdicts: { verdict: Extract<Verdict, { id: string }>; usernames: string[] }[] = [];
  const changes: SliceChanges = { deletes: new Map(), scrubs: new Map(), prunes: new Map() };
  slice.forEach((line, index) => {
    const lineNumber = start + index + 1;
    const verdict = readResultLine(line, type);
    if (verdict.kind === "malformed") {
      summary.malformedLines += 1;
      if (summary.malformedLines <= MALFORMED_LOG_LIMIT)
        logger.warn(
          { type, lineNumber, problem: verdict.problem },
          "malformed compliance result line skipped",
        );
      return;
    }
    const owner = owners.get(verdict.id);
    if (owner === undefined) {
      summary.unknownIds += 1;
      logger.warn({ type, lineNumber }, "compliance result for an id that was not uploaded skipped");
      return;
    }
    verdicts.push({ verdict, usernames: owner.usernames });
    for (const holder of owner.holders) {
      const key = keyOf(holder);
      let entry = changes.prunes.get(key);
      if (entry === undefined) {
        entry = { key: holder, prune: { posts: new Set(), users: new Set(), geo: new Set() } };
        changes.prunes.set(key, entry);
      }
      const set = verdict.kind === "scrub-geo" ? "geo" : type === "tweets" ? "posts" : "users";
      entry.prune[set].add(verdict.id);
    }
  });
  const add = (verdict: Extract<Verdict, { id: string }>, key: ItemKey) => {
    if (verdict.kind === "delete") changes.deletes.set(keyOf(key), { key, reason: verdict.reason });
    else changes.scrubs.set(keyOf(key), key);
  };
  if (type === "tweets") {
    for (const { verdict, usernames } of verdicts)
      for (const Username of usernames) add(verdict, { Username, Id: verdict.id });
    return changes;
  }
  // `users`: a Query per author and username. Nothing of the slice is applied once the deadline has passed
  // (the batch writer would refuse the deletes): the next sweep collects the slice again.
  const queries = verdicts.flatMap(({ verdict, usernames }) =>
    usernames.map((username) => ({ verdict, username })),
  );
  let outOfTime = false;
  const found = await mapWithConcurrency(queries, QUERY_CONCURRENCY, async ({ verdict, username }) => {
    if (outOfTime || ctx.now() >= ctx.deadline) {
      outOfTime = true;
      return [];
    }
    return (await ctx.table.itemsOfAuthor(username, verdict.id)).map((key) => ({ verdict, key }));
  });
  if (outOfTime) return "deadline";
  for (const { verdict, key } of found.flat()) add(verdict, key);
  return changes;
}

/** Makes a slice's deletes and scrubs; false when one did not hold, "deadline" when scrubbing ran out of time. */
async function applyChanges(
  type: JobType,
  changes: SliceChanges,
  ctx: ApplyContext,
): Promise<boolean | "deadline"> {
  const { summary, logger } = ctx;
  const { deletes, scrubs, prunes } = changes;
  // An item about to be deleted needs no scrubbing and no pruning.
  for (const id of deletes.keys()) {
    scrubs.delete(id);
    prunes.delete(id);
  }
  const count = (reason: string, n: number) => {
    summary.itemsDeleted += n;
    summary.deletedByReason[reason] = (summary.deletedByReason[reason] ?? 0) + n;
  };
  if (ctx.dryRun) {
    for (const [id, { reason }] of deletes) if (!ctx.dryRunCounted.has(id)) count(reason, 1);
    for (const id of scrubs.keys()) if (!ctx.dryRunCounted.has(id)) summary.geoScrubbed += 1;
    // Counted per job, as the real updates are (a carrier of a flagged post and a flagged author is pruned twice).
    for (const id of prunes.keys())
      if (!ctx.dryRunCounted.has(`prune ${type} ${id}`)) summary.includesPruned += 1;
    for (const id of [...deletes.keys(), ...scrubs.keys()]) ctx.dryRunCounted.add(id);
    for (const id of prunes.keys()) ctx.dryRunCounted.add(`prune ${type} ${id}`);
    return true;
  }

  const { failed, cutByDeadline } = await ctx.table.deleteItems(
    [...deletes.values()].map((d) => d.key),
    ctx.deadline,
  );
  const failedKeys = new Set(failed.map((f) => keyOf(f.key)));
  for (const [id, { reason }] of deletes) if (!failedKeys.has(id)) count(reason, 1);
  // Deletes the deadline stopped were not refused: the slice is not recorded and the next sweep makes them.
  // Counting them as failures would report a large file applied over several sweeps as a failing sweep.
  if (cutByDeadline) return "deadline";
  if (failed.length > 0) {
    summary.deleteFailures += failed.length;
    logger.error(
      { type, failed: failed.length, firstReason: failed[0]?.reason },
      "deletes not taken by DynamoDB; the job's results are applied again on the next sweep",
    );
  }

  // Each update is conditional on Raw as read: an item rewritten meanwhile is a conflict, redone next sweep.
  const scrubbed = await eachUntilDeadline([...scrubs.values()], ctx, (key) => ctx.table.scrubGeo(key));
  summary.geoScrubbed += scrubbed.done.filter((o) => o === "scrubbed").length;
  const geoConflicts = scrubbed.done.filter((o) => o === "conflict").length;
  if (geoConflicts > 0) {
    summary.geoConflicts += geoConflicts;
    logger.warn(
      { type, conflicts: geoConflicts },
      "items changed while their geo was scrubbed; scrubbed again next sweep",
    );
  }
  const unreadable = [...scrubs.values()].filter((_, i) => scrubbed.done[i] === "unreadable");
  if (unreadable.length > 0) {
    summary.rawUnreadable += unreadable.length;
    // Keys only, never the content.
    logger.error(
      { type, unreadable: unreadable.length, keys: unreadable.slice(0, 10) },
      "items whose geo X scrubbed have a Raw that cannot be decoded; left unchanged, the rest applied",
    );
  }
  if (scrubbed.outOfTime) return "deadline";
  const pruned = await eachUntilDeadline([...prunes.values()], ctx, (p) =>
    ctx.table.pruneIncludes(p.key, p.prune),
  );
  summary.includesPruned += pruned.done.filter((o) => o === "pruned").length;
  const pruneConflicts = pruned.done.filter((o) => o === "conflict").length;
  if (pruneConflicts > 0) {
    summary.includesConflicts += pruneConflicts;
    logger.warn(
      { type, conflicts: pruneConflicts },
      "items changed while their includes were pruned; pruned again next sweep",
    );
  }
  if (pruned.outOfTime) return "deadline";
  return failed.length === 0 && geoConflicts === 0 && pruneConflicts === 0;
}

/** `fn` on each input in turn until the deadline: the outcomes, and whether the deadline stopped it. */
async function eachUntilDeadline<T, R>(
  inputs: readonly T[],
  ctx: ApplyContext,
  fn: (input: T) => Promise<R>,
): Promise<{ done: R[]; outOfTime: boolean }> {
  const done: R[] = [];
  for (const input of inputs) {
    if (ctx.now() >= ctx.deadline) return { done, outOfTime: true };
    done.push(await fn(input));
  }
  return { done, outOfTime: false };
}

function stoppedAtDeadline(logger: SweepLogger, type: JobType, lineNumber: number): false {
  logger.warn(
    { type, lineNumber },
    "compliance results not fully applied by the deadline; the rest is applied on the next sweep",
  );
  return false;
}
