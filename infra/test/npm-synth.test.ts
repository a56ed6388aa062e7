import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { INFRA_VARIABLES } from "../config.js";
import { formatHcl } from "../hcl-format.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STACK_DIR = join(ROOT, "cdktf.out", "stacks", "tweetstream");
const HCL_STACK_DIR = join(ROOT, "cdktf.out", "hcl", "stacks", "tweetstream");
const TIMEOUT_MS = 240_000;

/** Runs an npm script from the repository root as a user would, with none of the stack's variables set. */
async function npmRun(script: string): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const name of INFRA_VARIABLES) delete env[name];
  delete env.CDKTF_OUTDIR;
  delete env.SYNTH_HCL_OUTPUT;
  return await promisify(execFile)("npm", ["run", script], {
    cwd: ROOT,
    env,
    timeout: TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
}

// One after the other: both scripts rebuild the same bundle and write under cdktf.out.
describe("the npm scripts", () => {
  it(
    "npm run synth builds the processor and writes cdktf.out/stacks/<stack>/cdk.tf.json with the zipped bundle",
    async () => {
      // Prepare
      const started = Date.now();

      // Act
      const { stderr } = await npmRun("synth");

      // Assess
      expect(stderr).toContain("secret access key will be stored in plain text");
      const file = join(STACK_DIR, "cdk.tf.json");
      expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
      const tf = JSON.parse(readFileSync(file, "utf8"));
      const functions = Object.values(tf.resource.aws_lambda_function) as {
        filename: string;
        function_name: string;
      }[];
      const named = (name: string) => {
        const found = functions.find((f) => f.function_name === name);
        if (found === undefined) throw new Error(`no function ${name} in ${file}`);
        return found;
      };
      const fn = named("tweetstream-DDBEventProcessor");
      // The compliance sweeper (on by default) has its own bundle, built and zipped the same way.
      const sweeper = named("tweetstream-ComplianceSweeper");
      expect(
        statSync(join(ROOT, "dist", "lambda", "compliance", "index.mjs")).mtimeMs,
      ).toBeGreaterThanOrEqual(started - 1000);
      expect(readFileSync(join(STACK_DIR, sweeper.filename)).subarray(0, 2).toString()).toBe("PK");
      // The real bundle was built and zipped next to the JSON, where Terraform will look for it.
      expect(statSync(join(ROOT, "dist", "lambda", "processor", "index.mjs")).mtimeMs).toBeGreaterThanOrEqual(
        started - 1000,
      );
      expect(readFileSync(join(STACK_DIR, fn.filename)).subarray(0, 2).toString()).toBe("PK");
      // Relative to the stack directory, so a moved checkout keeps its state.
      expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.tweetstream.tfstate" } });
    },
    TIMEOUT_MS,
  );

  it(
    "npm run synth:hcl writes the same stack as formatted HCL without deprecated syntax, apart from the JSON",
    async () => {
      // Act
      await npmRun("synth:hcl");

      // Assess
      const hcl = readFileSync(join(HCL_STACK_DIR, "cdk.tf"), "utf8");
      expect(hcl).toMatch(
        /resource "aws_lambda_function" "[^"]+" \{[^}]*function_name\s+= "tweetstream-DDBEventProcessor"/s,
      );
      expect(hcl).toMatch(/resource "aws_kinesis_stream" "[^"]+" \{[^}]*name\s+= "tweetstream-events"/s);
      // Formatted as terraform fmt leaves it (terraform-plan.test.ts runs `terraform fmt -check` where it can):
      // formatting it again changes nothing, and blocks are indented.
      expect(formatHcl(hcl)).toBe(hcl);
      expect(hcl).toMatch(/^ {2}required_providers \{$/m);
      // Quoted depends_on references are deprecated; the state path is relative to this directory.
      expect(hcl).toMatch(/depends_on = \[\n\s+aws_iam_role_policy\.[A-Za-z0-9_-]+,\n/);
      expect(hcl).not.toMatch(/depends_on = \[\n\s+"/);
      expect(hcl).toContain('path = "../../../../terraform.tweetstream.tfstate"');
      // Terraform reads every .tf and .tf.json file of a directory: an HCL copy next to the JSON would
      // define each resource twice.
      expect(existsSync(join(STACK_DIR, "cdk.tf"))).toBe(false);
    },
    TIMEOUT_MS,
  );
});
