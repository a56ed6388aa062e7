import type { IncludesPrune, References } from "./references.js";

/** What the sweep needs from the outside: the table, X's batch compliance API, the clock and a logger. */

/** The primary key of one stored post. */
export interface ItemKey {
  Username: string;
  Id: string;
}

/** One stored post as the scan sees it: its key, its author's id and the posts and authors it references. */
export interface ScannedPost extends ItemKey {
  AuthorId: string;
  /** Posts and authors in its record's includes (references.ts), its own left out. */
  refs?: References;
}

/** Where a paginated parallel-segment scan stands: one entry per segment. */
export interface ScanPosition {
  /** The segment's LastEvaluatedKey as DynamoDB returned it (wire format); null before its first page. */
  segments: ({ done: false; startKey: Record<string, unknown> | null } | { done: true })[];
}

export interface ScanChunk {
  posts: ScannedPost[];
  position: ScanPosition;
  /** Every segment has reached the end of the table. */
  done: boolean;
}

/** "unreadable": its `Raw` cannot be decoded; nothing was changed. */
export type GeoScrubOutcome = "scrubbed" | "no-geo" | "absent" | "conflict" | "unreadable";
export type PruneOutcome = "pruned" | "unchanged" | "absent" | "conflict";

export interface DeleteResult {
  deleted: number;
  failed: { key: ItemKey; reason: string }[];
  /** The deadline stopped the writer: `failed` holds deletes not yet tried (or not finished), not refusals. */
  cutByDeadline?: boolean;
}

export interface PostsPort {
  /**
   * Reads up to `maxPosts` posts from `position` on (reserved checkpoint items are never returned), starting
   * no page after `stopAt` (then fewer posts, and the position where the reading stopped).
   */
  scanChunk(position: ScanPosition, maxPosts: number, stopAt: number, deadline: number): Promise<ScanChunk>;
  /** BatchWriteItem deletes, 25 per call, retried; never throws for per-item failures. */
  deleteItems(keys: readonly ItemKey[], deadline: number): Promise<DeleteResult>;
  /** Every item of `authorId` in the partition `username` (a Query on the partition). */
  itemsOfAuthor(username: string, authorId: string): Promise<ItemKey[]>;
  /** Removes `Geo`, and `data.geo` and `includes.places` inside `Raw`. */
  scrubGeo(key: ItemKey): Promise<GeoScrubOutcome>;
  /** Removes referenced posts and authors from the includes inside `Raw`, the item's own post untouched. */
  pruneIncludes(key: ItemKey, prune: IncludesPrune): Promise<PruneOutcome>;
}

/** The sweeper's own state: its checkpoint and the lines each job uploaded. */
export interface StatePort {
  loadCheckpoint(name: string): Promise<string | undefined>;
  saveCheckpoint(name: string, state: string): Promise<void>;
  /**
   * Keeps the lines uploaded for one job (`<id>\t<username>`) so results can be checked and applied later;
   * returns how many chunks hold them (the checkpoint records it, to load and drop them again).
   */
  storeUploaded(key: string, lines: readonly string[]): Promise<number>;
  loadUploaded(key: string, chunks: number): Promise<string[]>;
  dropUploaded(key: string, chunks: number): Promise<void>;
  /**
   * Deletes the uploads a version 1 checkpoint `name` left (all under the reserved partition, `upload#<name>#…`,
   * with no TTL); returns how many went.
   */
  dropVersion1Uploads(name: string): Promise<number>;
}

/** The table: the stored posts and the sweeper's own state. */
export type TablePort = PostsPort & StatePort;

export type JobType = "tweets" | "users";
export type JobStatus = "created" | "in_progress" | "complete" | "failed" | "expired";

/** A compliance job as X describes it (only the fields the sweep uses). */
export interface ComplianceJob {
  id: string;
  type: JobType;
  status: JobStatus;
  uploadUrl: string;
  downloadUrl: string;
}

export interface XCompliancePort {
  createJob(type: JobType, name: string, deadline: number): Promise<ComplianceJob>;
  /** PUT of the ids, one per line, to the job's signed upload URL. */
  upload(job: ComplianceJob, ids: readonly string[], deadline: number): Promise<void>;
  getJob(id: string, deadline: number): Promise<ComplianceJob>;
  /** The result file: one JSON object per line. */
  download(job: ComplianceJob, deadline: number): Promise<string>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The slice of pino the core uses. */
export interface SweepLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * A stored upload chunk of the open round is gone: its TTL (30 days) ended while the round was still open,
 * or someone deleted it. The round cannot be applied; the sweep starts a new pass.
 */
export class UploadMissing extends Error {
  override name = "UploadMissing";
}
