import { describe, expect, it } from "vitest";
import type { XEmulator } from "../index.js";
import { emulatorPerTest } from "./emulator-per-test.js";

const fixture = emulatorPerTest();

async function createJob(emulator: XEmulator, type: string, token = emulator.bearerToken) {
  const response = await fetch(`${emulator.url}/2/compliance/jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ type }),
  });
  return { status: response.status, body: (await response.json()) as { data: Record<string, string> } };
}

const getJob = async (emulator: XEmulator, id: string) =>
  (
    (await (
      await fetch(`${emulator.url}/2/compliance/jobs/${id}`, {
        headers: { authorization: `Bearer ${emulator.bearerToken}` },
      })
    ).json()) as { data: Record<string, string> }
  ).data;

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("X emulator: batch compliance jobs", () => {
  it("moves a job from created to in_progress to complete and serves results for marked posts", async () => {
    const x = await fixture.start({ compliance: { processingMs: 100 } });
    const [published] = x.publish(1);
    const postId = published?.tweet.id ?? "";
    x.compliance.deletePost("111");
    x.compliance.scrubGeo("333");
    x.compliance.setAccountState(published?.tweet.author_id ?? "", "suspended");

    const { status, body } = await createJob(x, "tweets");
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ type: "tweets", status: "created" });
    expect(Date.parse(body.data.upload_expires_at ?? "") - Date.parse(body.data.created_at ?? "")).toBe(
      15 * 60_000,
    );
    const put = await fetch(body.data.upload_url ?? "", {
      method: "PUT",
      body: `111\n222\n333\n${postId}\n`,
    });
    expect(put.status).toBe(200);
    expect((await getJob(x, body.data.id ?? "")).status).toBe("in_progress");
    await until(async () => (await getJob(x as XEmulator, body.data.id ?? "")).status === "complete");

    const lines = (await (await fetch(body.data.download_url ?? "")).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.action, l.reason])).toEqual([
      ["111", "delete", "deleted"],
      ["333", "delete", "scrub_geo"],
      [postId, "delete", "suspended"],
    ]);
  });

  it("refuses a wrong bearer token, a tampered signature, and a second job of a type in progress", async () => {
    const x = await fixture.start({ compliance: { processingMs: 60_000 } });
    expect((await createJob(x, "users", "wrong")).status).toBe(401);
    const { body } = await createJob(x, "users");
    // Change the signature's first character to another one (replacing it with a fixed "0" left one URL in 16 as it was).
    const tampered = (body.data.upload_url ?? "").replace(/signature=(.)/, (_, c: string) =>
      c === "0" ? "signature=1" : "signature=0",
    );
    expect((await fetch(tampered, { method: "PUT", body: "1\n" })).status).toBe(403);
    expect((await fetch(body.data.download_url ?? "")).status).toBe(404);
    expect((await fetch(body.data.upload_url ?? "", { method: "PUT", body: "1\n" })).status).toBe(200);
    expect((await createJob(x, "users")).status).toBe(409);
    expect((await createJob(x, "tweets")).status).toBe(200);
  });

  it("fails or adds a malformed line to the next job when told", async () => {
    const x = await fixture.start({ compliance: { processingMs: 10 } });
    x.compliance.failNextJob();
    const failed = (await createJob(x, "tweets")).body.data;
    await fetch(failed.upload_url ?? "", { method: "PUT", body: "1\n" });
    await until(async () => (await getJob(x as XEmulator, failed.id ?? "")).status === "failed");

    x.compliance.injectMalformedLine("oops");
    x.compliance.setAccountState("7", "deactivated");
    const users = (await createJob(x, "users")).body.data;
    await fetch(users.upload_url ?? "", { method: "PUT", body: "7\n8\n" });
    await until(async () => (await getJob(x as XEmulator, users.id ?? "")).status === "complete");
    const text = await (await fetch(users.download_url ?? "")).text();
    expect(text.trim().split("\n")).toEqual([expect.stringContaining('"reason":"deactivated"'), "oops"]);
  });

  it("expires a job whose ids were not uploaded in time, and closes its upload URL", async () => {
    const x = await fixture.start({ compliance: { uploadTtlMs: 50 } });
    const neverUploaded = (await createJob(x, "tweets")).body.data;
    await until(async () => (await getJob(x as XEmulator, neverUploaded.id ?? "")).status === "expired");
    expect((await fetch(neverUploaded.upload_url ?? "", { method: "PUT", body: "1\n" })).status).toBe(403);
  });
});
