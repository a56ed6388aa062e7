import type { IncomingMessage, ServerResponse } from "node:http";
import { rateLimitHeaders, readBody, sendJson } from "../http/messages.js";
import { httpProblem } from "../http/problems.js";
import type { ComplianceJobs, ComplianceJobType } from "./jobs.js";

const JOBS_PATH = "/2/compliance/jobs";
const STORAGE = /^\/compliance-storage\/(upload|download)\/(\d+)$/;
/** Uploads of a few million ids; X's signed URLs point at cloud storage, which takes far more. */
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/**
 * X's batch compliance endpoints (`POST /2/compliance/jobs`, `GET /2/compliance/jobs/:id`) and the signed
 * storage URLs they hand out (`PUT` upload, `GET` download; no bearer token, the signature is the grant).
 * Returns false for any other path.
 */
export async function routeCompliance(
  jobs: ComplianceJobs,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  authorized: boolean,
): Promise<boolean> {
  const storage = STORAGE.exec(url.pathname);
  if (storage) {
    await storageRequest(jobs, req, res, url, storage[1] as "upload" | "download", storage[2] ?? "");
    return true;
  }
  if (url.pathname !== JOBS_PATH && !url.pathname.startsWith(`${JOBS_PATH}/`)) return false;
  if (!authorized) {
    sendJson(res, 401, httpProblem(401));
    return true;
  }
  const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
  if (req.method === "POST" && url.pathname === JOBS_PATH) {
    let body: { type?: unknown; name?: unknown } = {};
    try {
      body = JSON.parse(await readBody(req, 64 * 1024));
    } catch {
      body = {};
    }
    if (body.type !== "tweets" && body.type !== "users") {
      sendJson(res, 400, {
        errors: [
          { parameters: { type: [String(body.type)] }, message: "type must be one of [tweets, users]" },
        ],
        title: "Invalid Request",
        detail: "One or more parameters to your request was invalid.",
        type: "https://api.twitter.com/2/problems/invalid-request",
      });
      return true;
    }
    const job = jobs.create(
      body.type as ComplianceJobType,
      typeof body.name === "string" ? body.name : undefined,
    );
    if (job === "busy") {
      sendJson(res, 409, {
        title: "Conflict",
        detail: `You can have one concurrent job per job type: a ${body.type} job is in progress.`,
        type: "about:blank",
      });
      return true;
    }
    sendJson(res, 200, { data: describe(jobs, job.id, origin) }, rateLimitHeaders(150, 149));
    return true;
  }
  const id = url.pathname.slice(JOBS_PATH.length + 1);
  if (req.method === "GET" && jobs.get(id)) {
    sendJson(res, 200, { data: describe(jobs, id, origin) }, rateLimitHeaders(150, 149));
    return true;
  }
  sendJson(res, 400, {
    errors: [{ parameters: { id: [id] }, message: `Could not find a job with id ${id}` }],
    title: "Invalid Request",
    detail: "One or more parameters to your request was invalid.",
    type: "https://api.twitter.com/2/problems/invalid-request",
  });
  return true;
}

function describe(jobs: ComplianceJobs, id: string, origin: string) {
  const job = jobs.get(id);
  if (!job) throw new Error(`no job ${id}`);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: job.id,
    type: job.type,
    ...(job.name === undefined ? {} : { name: job.name }),
    created_at: iso(job.createdAt),
    status: jobs.statusOf(job),
    resumable: false,
    upload_url: origin + jobs.sign("upload", job, job.uploadExpiresAt),
    upload_expires_at: iso(job.uploadExpiresAt),
    download_url: origin + jobs.sign("download", job, job.downloadExpiresAt),
    download_expires_at: iso(job.downloadExpiresAt),
  };
}

async function storageRequest(
  jobs: ComplianceJobs,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  kind: "upload" | "download",
  jobId: string,
): Promise<void> {
  const job = jobs.get(jobId);
  const signed = jobs.verify(
    kind,
    jobId,
    url.searchParams.get("expires") ?? "",
    url.searchParams.get("signature") ?? "",
  );
  const text = (status: number, body: string) => {
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  };
  if (!job || !signed) return text(403, "SignatureDoesNotMatch or expired");
  if (kind === "upload") {
    if (req.method !== "PUT") return text(405, "PUT only");
    const outcome = jobs.upload(job, await readBody(req, MAX_UPLOAD_BYTES));
    return outcome === "ok" ? text(200, "") : text(403, "upload window closed");
  }
  if (req.method !== "GET") return text(405, "GET only");
  if (jobs.statusOf(job) !== "complete") return text(404, "NoSuchKey: the job has no results");
  text(200, jobs.results(job));
}
