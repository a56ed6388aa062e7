import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXEmulator, type XEmulator } from "../../local/x-emulator/index.js";
import { createXComplianceClient, XComplianceError } from "../x-compliance-client.js";

let x: XEmulator;
beforeAll(async () => {
  x = await startXEmulator({ compliance: { processingMs: 10 } });
});
afterAll(async () => {
  await x?.close();
});

const deadline = () => Date.now() + 10_000;

describe("X compliance client against the emulator", () => {
  it("creates a job, uploads ids, polls it to complete and downloads the result lines", async () => {
    const client = createXComplianceClient({ baseUrl: `${x.url}/`, bearerToken: async () => x.bearerToken });
    x.compliance.deletePost("42");

    const job = await client.createJob("tweets", "t", deadline());
    await client.upload(job, ["41", "42"], deadline());
    let status = await client.getJob(job.id, deadline());
    while (status.status !== "complete") {
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = await client.getJob(job.id, deadline());
    }

    expect(job).toMatchObject({ type: "tweets", status: "created" });
    expect(JSON.parse((await client.download(status, deadline())).trim())).toMatchObject({
      id: "42",
      reason: "deleted",
    });
  });

  it("reports X's answer with status and title, never the token", async () => {
    const token = "planted-secret-token-value";
    const client = createXComplianceClient({ baseUrl: x.url, bearerToken: async () => token });

    const error = await client.createJob("users", "u", deadline()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(XComplianceError);
    expect((error as Error).message).toBe("create compliance job: HTTP 401 Unauthorized: Unauthorized");
    expect(JSON.stringify(error)).not.toContain(token);
  });
});
