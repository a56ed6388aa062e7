import { applyResults } from "./apply-results.js";
import { type Checkpoint, freshCheckpoint, parseCheckpoint, type RoundJob, uploadKey } from "./checkpoint.js";
import {
  type Clock,
  type JobType,
  type ScannedPost,
  type SweepLogger,
  type TablePort,
  UploadMissing,
  type XCompliancePort,
} from "./ports.js";
import { emptySummary, type SweepSummary } from "./summary.js";

export interface SweepOptions {
  /** Names the checkpoint; a dry run keeps its own so it never skips work for a real sweep. */
  checkpointName: string;
  /** Ids per job; a table with more posts is covered by several rounds (and sweeps). */
  maxIdsPerJob: number;
  scanSegments: number;
  pollIntervalMs: number;
  dryRun: boolean;
}

export interface SweepDeps {
  table: TablePort;
  x: XCompliancePort;
  clock: Clock;
  logger: SweepLogger;
  /** Epoch ms by which the sweep must have saved its checkpoint and returned. */
  deadline: number;
  options: SweepOptions;
}

const TYPES: readonly JobType[] = ["tweets", "users"];
/** Below this much time left, no round starts: it could not read a page and store it. */
const MIN_ROUND_MS = 1_000;
type RoundProgress = "applied" | "waiting" | "stop" | "lost";

/**
 * One sweep: resume from the checkpoint, and until the deadline or the end of a pass over the table,
 * run rounds. A round is one scan chunk (at most `maxIdsPerJob` posts) → a `tweets` job of its post ids and a
 * `users` job of its distinct author ids → their results applied. Every step that X or DynamoDB must not
 * see twice is recorded in the checkpoint before the next one starts.
 */
export async function runSweep(deps: SweepDeps): Promise<SweepSummary> {
  const { table, clock, logger, options } = deps;
  const summary = emptySummary(options.dryRun);
  const dryRunCounted = new Set<string>();
  const startedAt = clock.now();
  // Undefined until loaded: when DynamoDB fails the read, the stored checkpoint is never overwritten.
  let cp: Checkpoint | undefined;
  const save = async () => {
    if (cp !== undefined) await table.saveCheckpoint(options.checkpointName, JSON.stringify(cp));
  };
  try {
    // Inside the try: a failed read is counted in SweepErrors and logged like any other error.
    let current = await loadCheckpoint(deps);
    cp = current;
    for (;;) {
      if (clock.now() >= deps.deadline) {
        summary.resumeNext = true;
        break;
      }
      const round = current.round;
      if (round === undefined) {
        if (current.scan.segments.every((s) => s.done)) {
          summary.passCompleted = true;
          current = { ...freshCheckpoint(options.scanSegments, clock.now()), rounds: current.rounds };
          cp = current;
          await save();
          break;
        }
        // A round starts only with time to read a page and store what it read; its scan stops early
        // enough to leave a quarter of the time for that (the rest of the table is the next round's).
        const left = deps.deadline - clock.now();
        if (left < MIN_ROUND_MS || !(await startRound(current, deps, summary, clock.now() + left * 0.75))) {
          summary.resumeNext = true;
          break;
        }
        await save();
        continue;
      }
      const progress = await advanceRound(current, deps, summary, save, dryRunCounted);
      if (progress === "lost") {
        // The round's stored uploads are gone (their TTL ended while it stayed open): nothing says which posts
        // it held, so a new pass covers the whole table again. `rounds` goes on: stale chunks keep their names.
        summary.errors += 1;
        logger.error(
          { round: round.n, passStartedAt: current.passStartedAt },
          "compliance round's stored uploads are missing; starting a new pass",
        );
        current = { ...freshCheckpoint(options.scanSegments, clock.now()), rounds: current.rounds };
        cp = current;
        await save();
        continue;
      }
      if (progress === "applied") {
        for (const type of TYPES)
          await table.dropUploaded(uploadKey(options.checkpointName, round.n, type), round[type].chunks);
        current.round = undefined;
        await save();
        continue;
      }
      if (progress === "stop" || clock.now() + options.pollIntervalMs >= deps.deadline) {
        summary.resumeNext = true;
        break;
      }
      await clock.sleep(options.pollIntervalMs);
    }
  } catch (error) {
    summary.resumeNext = true;
    // A read cut at the deadline is the deadline, not a failure: the next sweep resumes as after any other.
    if (isAbort(error) && clock.now() >= deps.deadline)
      logger.warn(
        { error: describe(error) },
        "compliance sweep reached its deadline during a read; it resumes",
      );
    else {
      summary.errors += 1;
      logger.error(
        { error: describe(error) },
        "compliance sweep stopped early; it resumes from its checkpoint",
      );
    }
    await save().catch((saveError: unknown) => {
      summary.errors += 1;
      logger.error({ error: describe(saveError) }, "compliance checkpoint not saved");
    });
  }
  // Jobs submitted but not applied, however the sweep stopped: the next run polls them.
  const open = cp?.round;
  if (open) {
    const pending = TYPES.filter((t) => open[t].jobId !== undefined && !open[t].applied);
    summary.jobsPending = pending.length;
    summary.jobsResubmitted = pending.filter((t) => open[t].attempts > 1).length;
  }
  summary.durationMs = clock.now() - startedAt;
  return summary;
}

async function loadCheckpoint({ table, clock, logger, options }: SweepDeps): Promise<Checkpoint> {
  const stored = await table.loadCheckpoint(options.checkpointName);
  if (stored === undefined) return freshCheckpoint(options.scanSegments, clock.now());
  const parsed = parseCheckpoint(stored);
  if (!("problem" in parsed)) return parsed;
  if (parsed.version === 1) {
    // Version 1 kept its uploads under one key with no TTL: they would stay forever. Its round cannot be
    // resumed (no chunk counts), so a new pass starts; its position is not kept either (a pass is cheap).
    const dropped = await table.dropVersion1Uploads(options.checkpointName);
    logger.warn(
      { version: 1, uploadsDropped: dropped },
      "compliance checkpoint of version 1 (this sweeper writes version 2); its uploads dropped, starting a new pass",
    );
    return freshCheckpoint(options.scanSegments, clock.now());
  }
  logger.error({ problem: parsed.problem }, "compliance checkpoint unreadable; starting a new pass");
  return freshCheckpoint(options.scanSegments, clock.now());
}

/**
 * Reads the next chunk of the table and stores what the round's two jobs will upload. False when the scan
 * read nothing before `stopAt` and the table is not at its end (no time left for a round).
 */
async function startRound(
  cp: Checkpoint,
  deps: SweepDeps,
  summary: SweepSummary,
  stopAt: number,
): Promise<boolean> {
  const { table, options } = deps;
  const chunk = await table.scanChunk(cp.scan, options.maxIdsPerJob, stopAt, deps.deadline);
  summary.postsScanned += chunk.posts.length;
  if (chunk.posts.length === 0) {
    // Pages of the reserved partition only, or the end of the table: the position moves on all the same.
    const moved = JSON.stringify(chunk.position) !== JSON.stringify(cp.scan);
    cp.scan = chunk.position;
    return moved;
  }
  const lines = uploadLines(chunk.posts);
  const n = cp.rounds + 1;
  const chunks = { tweets: 0, users: 0 };
  for (const type of TYPES)
    chunks[type] = await table.storeUploaded(uploadKey(options.checkpointName, n, type), lines[type]);
  // Only now: a failed store throws above with the position unmoved, so the next try reads the same posts
  // again (a checkpoint saved after the failure must never point past posts no upload holds).
  cp.scan = chunk.position;
  cp.rounds = n;
  const job = (type: JobType, ids: number): RoundJob => ({
    ids,
    applied: false,
    attempts: 0,
    chunks: chunks[type],
    linesApplied: 0,
  });
  cp.round = {
    n,
    tweets: job("tweets", new Set(lines.tweets.map(idOf)).size),
    users: job("users", new Set(lines.users.map(idOf)).size),
  };
  return true;
}

/**
 * `<post id>\t<username>` per post and `<author id>\t<username>` per distinct pair (usernames can change);
 * for what a post references, `<referenced id>\t<username>\t<post id>`: the id to check, and the item
 * whose includes carry it.
 */
function uploadLines(posts: readonly ScannedPost[]): Record<JobType, string[]> {
  const tweets: string[] = [];
  const users = new Set<string>();
  for (const post of posts) {
    tweets.push(`${post.Id}\t${post.Username}`);
    users.add(`${post.AuthorId}\t${post.Username}`);
    for (const id of post.refs?.posts ?? []) tweets.push(`${id}\t${post.Username}\t${post.Id}`);
    for (const id of post.refs?.users ?? []) users.add(`${id}\t${post.Username}\t${post.Id}`);
  }
  return { tweets, users: [...users] };
}

const idOf = (line: string) => line.slice(0, line.indexOf("\t"));

async function advanceRound(
  cp: Checkpoint,
  deps: SweepDeps,
  summary: SweepSummary,
  save: () => Promise<void>,
  dryRunCounted: Set<string>,
): Promise<RoundProgress> {
  const round = cp.round;
  if (round === undefined) return "applied";
  try {
    return await advanceJobs(round, deps, summary, save, dryRunCounted);
  } catch (error) {
    if (error instanceof UploadMissing) return "lost";
    throw error;
  }
}

async function advanceJobs(
  round: NonNullable<Checkpoint["round"]>,
  deps: SweepDeps,
  summary: SweepSummary,
  save: () => Promise<void>,
  dryRunCounted: Set<string>,
): Promise<RoundProgress> {
  const { x, table, logger, options, deadline } = deps;
  let stop = false;
  for (const type of TYPES) {
    const job = round[type];
    if (job.applied) continue;
    if (job.ids === 0) {
      job.applied = true;
      continue;
    }
    const key = uploadKey(options.checkpointName, round.n, type);
    if (job.jobId === undefined) {
      const lines = await table.loadUploaded(key, job.chunks);
      const created = await x.createJob(type, `tweetstream-${type}-${round.n}`, deadline);
      job.attempts += 1;
      summary.jobsCreated += 1;
      await x.upload(created, [...new Set(lines.map(idOf))], deadline);
      job.jobId = created.id;
      await save();
      continue;
    }
    const status = await x.getJob(job.jobId, deadline);
    if (status.status === "failed" || status.status === "expired") {
      if (status.status === "failed") summary.jobsFailed += 1;
      else summary.jobsExpired += 1;
      logger.warn(
        { type, jobId: job.jobId, status: status.status, attempts: job.attempts },
        "compliance job did not complete; nothing applied, its ids are submitted again on the next sweep",
      );
      job.jobId = undefined;
      job.linesApplied = 0;
      await save();
      stop = true;
      continue;
    }
    if (status.status !== "complete") continue;
    const text = await x.download(status, deadline);
    const lines = await table.loadUploaded(key, job.chunks);
    const done = await applyResults(
      type,
      text,
      lines,
      {
        table,
        logger,
        now: deps.clock.now,
        summary,
        dryRun: options.dryRun,
        deadline,
        dryRunCounted,
      },
      {
        // A dry run records its slices too, in its own checkpoint: a large file is counted once, over sweeps.
        from: job.linesApplied,
        applied: async (lines) => {
          job.linesApplied = lines;
          await save();
        },
      },
    );
    if (!done) {
      stop = true;
      continue;
    }
    summary.jobsCompleted += 1;
    if (type === "tweets") summary.postsChecked += job.ids;
    else summary.usersChecked += job.ids;
    job.applied = true;
    await save();
  }
  if (round.tweets.applied && round.users.applied) return "applied";
  return stop ? "stop" : "waiting";
}

const isAbort = (error: unknown) => ["AbortError", "TimeoutError"].includes((error as Error)?.name ?? "");

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e?.name ?? "Error"}: ${e?.message ?? String(error)}`;
}
