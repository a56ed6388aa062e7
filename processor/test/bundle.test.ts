import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { invocation, type ProcessorEnvironment, startProcessorEnvironment } from "./support/environment.js";
import {
  kinesisEvent,
  malformedPayloads,
  plain,
  replaceData,
  sequenceNumber,
  tweet,
} from "./support/records.js";

let outdir: string;
let env: ProcessorEnvironment;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), "processor-bundle-"));
  await promisify(execFile)(process.execPath, ["scripts/bundle-processor.mjs", outdir]);
  env = await startProcessorEnvironment({
    load: () => import(pathToFileURL(join(outdir, "index.mjs")).href),
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

it("the esbuild bundle is one self-contained file that runs the handler", async () => {
  // Prepare
  const event = kinesisEvent([plain(tweet(1)), plain(tweet(2))]);
  replaceData(event, 1, malformedPayloads()["not-json"]);

  // Act
  const response = await env.handler(event, invocation());

  // Assess
  expect(response).toEqual({ batchItemFailures: [] });
  expect((await env.items()).map((item) => item.Id)).toEqual([tweet(1).id]);
  expect(env.deadLetters()).toMatchObject([
    { sequenceNumber: sequenceNumber(1), reason: { kind: "not-json" } },
  ]);
  expect((await stat(join(outdir, "index.mjs.map"))).size).toBeGreaterThan(0);
});
