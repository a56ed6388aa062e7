import * as z from "zod";
import type { ScanPosition } from "./ports.js";

/**
 * The sweep's durable state lives in the table itself, in one partition no post can use: `Username` comes
 * from X usernames (letters, digits and `_`), so a partition key starting with `#` is never a post's. The
 * scan skips it, the local item count leaves it out, and nothing in it is ever a sweep's target.
 */
export const RESERVED_PREFIX = "#";
export const RESERVED_PARTITION = `${RESERVED_PREFIX}compliance`;
export const isReservedPartition = (username: string): boolean => username.startsWith(RESERVED_PREFIX);

/** A job of the current round: not yet submitted, or submitted (uploaded) and waiting for its results. */
const jobState = z.object({
  jobId: z.string().optional(),
  /** Ids uploaded for this job (0: nothing to check, the job is skipped). */
  ids: z.number().int().min(0),
  applied: z.boolean(),
  /** Jobs created for these ids so far: a failed or expired one is submitted again on the next sweep. */
  attempts: z.number().int().min(0),
  /** Stored chunks holding the job's uploaded lines. */
  chunks: z.number().int().min(0),
  /** Lines of its complete result file applied so far: a large file is applied over several sweeps. */
  linesApplied: z.number().int().min(0),
});

const checkpointSchema = z.object({
  // 2: uploads in chunks of their own partition keys (1 kept them under one key; a v1 checkpoint starts a new pass).
  v: z.literal(2),
  /** The scan's position for the next round (reset when a pass over the whole table ends). */
  scan: z.object({
    segments: z.array(
      z.union([
        z.object({ done: z.literal(false), startKey: z.record(z.string(), z.unknown()).nullable() }),
        z.object({ done: z.literal(true) }),
      ]),
    ),
  }),
  /** Rounds started since the checkpoint was created: names the stored uploads. */
  rounds: z.number().int().min(0),
  round: z.object({ n: z.number().int(), tweets: jobState, users: jobState }).optional(),
  passStartedAt: z.string(),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;
export type RoundJob = z.infer<typeof jobState>;

export function freshScan(segments: number): ScanPosition {
  return { segments: Array.from({ length: segments }, () => ({ done: false as const, startKey: null })) };
}

export function freshCheckpoint(segments: number, now: number): Checkpoint {
  return { v: 2, scan: freshScan(segments), rounds: 0, passStartedAt: new Date(now).toISOString() };
}

/** Reads a stored checkpoint; an unreadable one is reported as such (the caller starts over and says so). */
export function parseCheckpoint(text: string): Checkpoint | { problem: string; version?: number } {
  try {
    const json: unknown = JSON.parse(text);
    const parsed = checkpointSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    const version = (json as { v?: unknown } | null)?.v;
    return {
      problem: parsed.error.issues[0]?.message ?? "schema",
      ...(typeof version === "number" ? { version } : {}),
    };
  } catch {
    return { problem: "not JSON" };
  }
}

/** The key under which one job's uploaded lines are stored. */
export const uploadKey = (checkpointName: string, round: number, type: string): string =>
  `${checkpointName}#${round}#${type}`;
