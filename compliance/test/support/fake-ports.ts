import {
  type ComplianceJob,
  type DeleteResult,
  type GeoScrubOutcome,
  type ItemKey,
  type JobStatus,
  type JobType,
  type PruneOutcome,
  type ScanChunk,
  type ScanPosition,
  type TablePort,
  UploadMissing,
  type XCompliancePort,
} from "../../ports.js";
import type { IncludesPrune, References } from "../../references.js";

/** A stored post as the in-memory table keeps it. */
export interface FakeItem extends ItemKey {
  AuthorId: string;
  Geo?: boolean;
  /** Posts and authors its includes carry (the scan reports them; pruning removes them). */
  refs?: References;
}

const k = (key: ItemKey) => `${key.Username}\u0000${key.Id}`;

/** The TablePort in memory: a Map for the items, one for the reserved state. Scans in insertion order. */
export class InMemoryTable implements TablePort {
  readonly items = new Map<string, FakeItem>();
  readonly state = new Map<string, string>();
  /** Keys whose deletes "DynamoDB" refuses. */
  readonly refuseDeletes = new Set<string>();
  deleteCalls = 0;

  constructor(items: FakeItem[] = []) {
    for (const item of items) {
      this.items.set(k(item), { ...item });
      this.order.push(k(item));
    }
  }

  /** Every key ever stored, in insertion order: positions stay valid while items are deleted. */
  private readonly order: string[] = [];

  async scanChunk(position: ScanPosition, maxPosts: number): Promise<ScanChunk> {
    const segment = position.segments[0];
    if (segment?.done) return { posts: [], position, done: true };
    const after = segment?.startKey?.after as string | undefined;
    const from = after === undefined ? 0 : this.order.indexOf(after) + 1;
    const keys = this.order
      .slice(from)
      .filter((key) => this.items.has(key))
      .slice(0, maxPosts);
    const posts = keys.map((key) => {
      const { Username, Id, AuthorId, refs } = this.items.get(key) as FakeItem;
      return {
        Username,
        Id,
        AuthorId,
        ...(refs ? { refs: { posts: [...refs.posts], users: [...refs.users] } } : {}),
      };
    });
    const last = keys.at(-1);
    const done =
      last === undefined ||
      !this.order.slice(this.order.indexOf(last) + 1).some((key) => this.items.has(key));
    return {
      posts,
      position: { segments: [done ? { done: true } : { done: false, startKey: { after: last } }] },
      done,
    };
  }
  async deleteItems(keys: readonly ItemKey[]): Promise<DeleteResult> {
    this.deleteCalls += 1;
    const failed = keys.filter((key) => this.refuseDeletes.has(k(key)));
    for (const key of keys) if (!this.refuseDeletes.has(k(key))) this.items.delete(k(key));
    return {
      deleted: keys.length - failed.length,
      failed: failed.map((key) => ({ key, reason: "refused" })),
    };
  }
  async itemsOfAuthor(username: string, authorId: string): Promise<ItemKey[]> {
    return [...this.items.values()]
      .filter((item) => item.Username === username && item.AuthorId === authorId)
      .map(({ Username, Id }) => ({ Username, Id }));
  }
  async scrubGeo(key: ItemKey): Promise<GeoScrubOutcome> {
    const item = this.items.get(k(key));
    if (!item) return "absent";
    if (!item.Geo) return "no-geo";
    item.Geo = false;
    return "scrubbed";
  }
  async pruneIncludes(key: ItemKey, prune: IncludesPrune): Promise<PruneOutcome> {
    const item = this.items.get(k(key));
    if (!item?.refs) return "absent";
    const posts = item.refs.posts.filter((id) => !prune.posts.has(id));
    const users = item.refs.users.filter((id) => !prune.users.has(id));
    if (posts.length === item.refs.posts.length && users.length === item.refs.users.length)
      return "unchanged";
    item.refs = { posts, users };
    return "pruned";
  }
  async loadCheckpoint(name: string) {
    return this.state.get(`checkpoint#${name}`);
  }
  async saveCheckpoint(name: string, state: string) {
    this.state.set(`checkpoint#${name}`, state);
  }
  async storeUploaded(key: string, lines: readonly string[]) {
    this.state.set(`upload#${key}`, lines.join("\n"));
    return 1;
  }
  async loadUploaded(key: string) {
    const stored = this.state.get(`upload#${key}`);
    if (stored === undefined) throw new UploadMissing(`stored upload of ${key} is missing`);
    return stored.split("\n").filter(Boolean);
  }
  async dropVersion1Uploads(name: string) {
    const keys = [...this.state.keys()].filter((key) => key.startsWith(`v1-upload#${name}#`));
    for (const key of keys) this.state.delete(key);
    return keys.length;
  }
  async dropUploaded(key: string) {
    this.state.delete(`upload#${key}`);
  }
}

interface FakeJob {
  job: ComplianceJob;
  uploaded: string[];
  polls: number;
}

/**
 * X's compliance API in memory. `results(type, uploadedIds)` decides each job's result lines;
 * `statuses` (per job, in creation order) decides what the job ends as after `pollsToFinish` polls.
 */
export class InMemoryX implements XCompliancePort {
  readonly jobs: FakeJob[] = [];
  outcomes: JobStatus[] = [];
  pollsToFinish = 0;
  constructor(public results: (type: JobType, uploaded: string[]) => string[]) {}

  async createJob(type: JobType): Promise<ComplianceJob> {
    const id = String(this.jobs.length + 1);
    const job: ComplianceJob = {
      id,
      type,
      status: "created",
      uploadUrl: `up/${id}`,
      downloadUrl: `down/${id}`,
    };
    this.jobs.push({ job, uploaded: [], polls: 0 });
    return { ...job };
  }
  async upload(job: ComplianceJob, ids: readonly string[]) {
    const fake = this.find(job.id);
    fake.uploaded = [...ids];
    fake.job.status = "in_progress";
  }
  async getJob(id: string): Promise<ComplianceJob> {
    const fake = this.find(id);
    fake.polls += 1;
    if (fake.job.status === "in_progress" && fake.polls > this.pollsToFinish)
      fake.job.status = this.outcomes[Number(id) - 1] ?? "complete";
    return { ...fake.job };
  }
  async download(job: ComplianceJob): Promise<string> {
    const fake = this.find(job.id);
    return this.results(fake.job.type, fake.uploaded).join("\n");
  }
  private find(id: string): FakeJob {
    const fake = this.jobs.find((j) => j.job.id === id);
    if (!fake) throw new Error(`no job ${id}`);
    return fake;
  }
}

/** A clock that only moves when the sweep sleeps (or a test says so). */
export class ManualClock {
  constructor(public time = 1_800_000_000_000) {}
  now = () => this.time;
  sleep = async (ms: number) => {
    this.time += ms;
  };
}

/** Collects log lines so tests can assert what was logged (and that no text or token was). */
export class MemoryLogger {
  readonly lines: { level: string; fields: object; message: string }[] = [];
  info = (fields: object, message: string) => void this.lines.push({ level: "info", fields, message });
  warn = (fields: object, message: string) => void this.lines.push({ level: "warn", fields, message });
  error = (fields: object, message: string) => void this.lines.push({ level: "error", fields, message });
}

export const resultLine = (id: string, reason: string, action = "delete") =>
  JSON.stringify({
    id,
    action,
    reason,
    created_at: "2026-11-01T00:00:00.000Z",
    redacted_at: "2026-11-02T00:00:00.000Z",
  });
