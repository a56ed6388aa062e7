import * as z from "zod";
import type { ComplianceJob, JobType, XCompliancePort } from "./ports.js";

/** An X API answer other than success. The message has the status and X's title, never the token. */
export class XComplianceError extends Error {
  override readonly name = "XComplianceError";
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

const jobSchema = z.looseObject({
  id: z.string(),
  type: z.enum(["tweets", "users"]),
  status: z.enum(["created", "in_progress", "complete", "failed", "expired"]),
  upload_url: z.string().optional(),
  download_url: z.string().optional(),
});
const jobResponse = z.looseObject({ data: jobSchema });

/** One request's ceiling: X answers job calls in well under a second; uploads of 500,000 ids take a few. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface XComplianceClientOptions {
  baseUrl: string;
  /** Read when a request is made: the handler resolves it from Secrets Manager once per cold start. */
  bearerToken: () => Promise<string>;
}

/**
 * X's batch compliance API over fetch. Job calls carry the app's bearer token; the signed upload and
 * download URLs carry their own signature and get no Authorization header (the token must not leak to
 * the storage host). https://docs.x.com/x-api/compliance/batch-compliance/introduction
 */
export function createXComplianceClient(options: XComplianceClientOptions): XCompliancePort {
  const base = options.baseUrl.replace(/\/+$/, "");
  const signal = (deadline: number) =>
    AbortSignal.timeout(Math.max(1, Math.min(REQUEST_TIMEOUT_MS, deadline - Date.now())));

  async function call(what: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      throw new XComplianceError(`${what}: ${(err as Error).name} ${(err as Error).message}`, undefined);
    }
    if (response.ok) return response;
    const body = await response.text().catch(() => "");
    let title = "";
    try {
      const problem = JSON.parse(body) as { title?: unknown; detail?: unknown };
      title = [problem.title, problem.detail].filter((p) => typeof p === "string").join(": ");
    } catch {
      title = "";
    }
    const reset = response.headers.get("x-rate-limit-reset");
    throw new XComplianceError(
      `${what}: HTTP ${response.status}${title ? ` ${title.slice(0, 200)}` : ""}${reset ? ` (rate limit resets at ${reset})` : ""}`,
      response.status,
    );
  }

  async function readJob(what: string, response: Response): Promise<ComplianceJob> {
    const parsed = jobResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new XComplianceError(`${what}: unexpected answer (${parsed.error.issues[0]?.message})`, 200);
    const d = parsed.data.data;
    return {
      id: d.id,
      type: d.type,
      status: d.status,
      uploadUrl: d.upload_url ?? "",
      downloadUrl: d.download_url ?? "",
    };
  }

  const auth = async () => ({ authorization: `Bearer ${await options.bearerToken()}` });

  return {
    async createJob(type: JobType, name: string, deadline: number) {
      const response = await call("create compliance job", `${base}/2/compliance/jobs`, {
        method: "POST",
        headers: { ...(await auth()), "content-type": "application/json" },
        body: JSON.stringify({ type, name }),
        signal: signal(deadline),
      });
      return readJob("create compliance job", response);
    },
    async upload(job, ids, deadline) {
      if (job.uploadUrl === "") throw new XComplianceError(`job ${job.id} has no upload_url`, undefined);
      await call("upload compliance ids", job.uploadUrl, {
        method: "PUT",
        headers: { "content-type": "text/plain" },
        body: `${ids.join("\n")}\n`,
        signal: signal(deadline),
      });
    },
    async getJob(id, deadline) {
      const response = await call(
        "get compliance job",
        `${base}/2/compliance/jobs/${encodeURIComponent(id)}`,
        {
          headers: await auth(),
          signal: signal(deadline),
        },
      );
      return readJob("get compliance job", response);
    },
    async download(job, deadline) {
      if (job.downloadUrl === "") throw new XComplianceError(`job ${job.id} has no download_url`, undefined);
      const response = await call("download compliance results", job.downloadUrl, {
        signal: signal(deadline),
      });
      return response.text();
    },
  };
}
