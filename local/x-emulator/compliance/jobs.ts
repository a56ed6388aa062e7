import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type ComplianceJobType = "tweets" | "users";
export type ComplianceJobStatus = "created" | "in_progress" | "complete" | "failed" | "expired";
/** What an author did, as X's results name it. */
export type AccountState = "deleted" | "deactivated" | "protected" | "suspended";

export interface ComplianceJobsOptions {
  /** Time from upload to `complete` (or `failed`/`expired` when so told). Default 200 ms. */
  processingMs?: number;
  /** How long the signed upload URL is valid. Default 15 minutes, as on X. */
  uploadTtlMs?: number;
  now?: () => number;
}

interface Job {
  id: string;
  type: ComplianceJobType;
  name?: string;
  createdAt: number;
  uploadExpiresAt: number;
  downloadExpiresAt: number;
  uploadedAt?: number;
  ids?: string[];
  outcome: "complete" | "failed" | "expired";
  malformed: string[];
}

/**
 * The state behind the emulator's batch compliance API: jobs that move from `created` to `in_progress`
 * (on upload) to `complete` after `processingMs` (or `failed`/`expired` when a knob says so), and results
 * derived from the posts and accounts a test marked.
 */
export class ComplianceJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly deletedPosts = new Map<string, number>();
  private readonly scrubbedPosts = new Map<string, number>();
  private readonly accounts = new Map<string, { state: AccountState; at: number }>();
  private readonly authorOf = new Map<string, string>();
  private readonly nextOutcomes: ("failed" | "expired")[] = [];
  private readonly nextMalformed: string[] = [];
  private readonly signingKey = randomBytes(32);
  private nextId = 1_500_000_000_000_000_000n;
  processingMs: number;
  readonly uploadTtlMs: number;
  readonly now: () => number;

  constructor(options: ComplianceJobsOptions = {}) {
    this.processingMs = options.processingMs ?? 200;
    this.uploadTtlMs = options.uploadTtlMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Remembers who wrote a post, so a `tweets` job can report a post whose author was suspended. */
  registerPost(postId: string, authorId: string): void {
    this.authorOf.set(postId, authorId);
  }
  deletePost(postId: string): void {
    this.deletedPosts.set(postId, this.now());
  }
  scrubGeo(postId: string): void {
    this.scrubbedPosts.set(postId, this.now());
  }
  setAccountState(userId: string, state: AccountState): void {
    this.accounts.set(userId, { state, at: this.now() });
  }
  /** The next job created ends `failed` (or `expired`) instead of `complete`. */
  failNextJob(): void {
    this.nextOutcomes.push("failed");
  }
  expireNextJob(): void {
    this.nextOutcomes.push("expired");
  }
  /** The next job created gets this line in its results (default: a line that is not JSON). */
  injectMalformedLine(line = '{"id": "1", "action": '): void {
    this.nextMalformed.push(line);
  }
  /** Every job so far, as `GET /2/compliance/jobs/:id` would describe it. */
  list(): { id: string; type: ComplianceJobType; status: ComplianceJobStatus; uploadedIds: number }[] {
    return [...this.jobs.values()].map((job) => ({
      id: job.id,
      type: job.type,
      status: this.statusOf(job),
      uploadedIds: job.ids?.length ?? 0,
    }));
  }

  create(type: ComplianceJobType, name: string | undefined): Job | "busy" {
    const busy = [...this.jobs.values()].some((j) => j.type === type && this.statusOf(j) === "in_progress");
    if (busy) return "busy";
    const createdAt = this.now();
    this.nextId += 1n;
    const job: Job = {
      id: String(this.nextId),
      type,
      name,
      createdAt,
      uploadExpiresAt: createdAt + this.uploadTtlMs,
      downloadExpiresAt: createdAt + 7 * 24 * 3600_000,
      outcome: this.nextOutcomes.shift() ?? "complete",
      malformed: this.nextMalformed.splice(0),
    };
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  statusOf(job: Job): ComplianceJobStatus {
    const now = this.now();
    if (job.uploadedAt === undefined) return now > job.uploadExpiresAt ? "expired" : "created";
    return now < job.uploadedAt + this.processingMs ? "in_progress" : job.outcome;
  }

  upload(job: Job, body: string): "ok" | "expired" {
    if (this.now() > job.uploadExpiresAt || job.uploadedAt !== undefined) return "expired";
    job.ids = body
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    job.uploadedAt = this.now();
    return "ok";
  }

  /** The result file: one JSON object per line, only for ids that need an action (as on X). */
  results(job: Job): string {
    const lines: string[] = [];
    const iso = (ms: number) => new Date(ms).toISOString();
    const created_at = iso(job.createdAt);
    for (const id of new Set(job.ids ?? [])) {
      const line = (reason: string, at: number) =>
        lines.push(JSON.stringify({ id, action: "delete", created_at, redacted_at: iso(at), reason }));
      if (job.type === "users") {
        const account = this.accounts.get(id);
        if (account) line(account.state, account.at);
        continue;
      }
      const deletedAt = this.deletedPosts.get(id);
      const author = this.accounts.get(this.authorOf.get(id) ?? "");
      const scrubbedAt = this.scrubbedPosts.get(id);
      if (deletedAt !== undefined) line("deleted", deletedAt);
      else if (author) line(author.state, author.at);
      else if (scrubbedAt !== undefined) line("scrub_geo", scrubbedAt);
    }
    lines.push(...job.malformed);
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }

  /** A signed URL for `kind` of `job`, valid until `expiresAt` (HMAC over what it grants). */
  sign(kind: "upload" | "download", job: Job, expiresAt: number): string {
    const expires = String(Math.floor(expiresAt / 1000));
    return `/compliance-storage/${kind}/${job.id}?expires=${expires}&signature=${this.signature(kind, job.id, expires)}`;
  }

  verify(kind: "upload" | "download", jobId: string, expires: string, signature: string): boolean {
    const expected = Buffer.from(this.signature(kind, jobId, expires));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return Number(expires) * 1000 >= this.now();
  }

  private signature(kind: string, jobId: string, expires: string): string {
    return createHmac("sha256", this.signingKey).update(`${kind}:${jobId}:${expires}`).digest("hex");
  }
}
