import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ComplianceEnvironment, startComplianceEnvironment } from "./support/environment.js";

let outdir: string;
let env: ComplianceEnvironment;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), "compliance-bundle-"));
  await promisify(execFile)(process.execPath, ["scripts/bundle-compliance.mjs", outdir]);
  env = await startComplianceEnvironment({}, {}, () => import(pathToFileURL(join(outdir, "index.mjs")).href));
}, 120_000);

afterAll(async () => {
  await env?.close();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

it("the esbuild bundle is one self-contained file that runs a sweep", async () => {
  await env.store([
    { id: "1", username: "alice", authorId: "10" },
    { id: "2", username: "bob", authorId: "20" },
  ]);
  env.x.compliance.deletePost("2");

  const summary = await env.sweep();

  expect(summary).toMatchObject({ postsChecked: 2, itemsDeleted: 1, errors: 0, passCompleted: true });
  expect([...(await env.items()).keys()]).toEqual(["alice/1"]);
  expect((await stat(join(outdir, "index.mjs"))).size).toBeLessThan(600 * 1024);
});
