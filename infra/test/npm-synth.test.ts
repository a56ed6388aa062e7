import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { INFRA_VARIABLES } from "../config.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STACK_DIR = join(ROOT, "cdktf.out", "stacks", "tweetstream");
const HCL_STACK_DIR = join(ROOT, "cdktf.out", "hcl", "stacks", "tweetstream");
const TIMEOUT_MS = 120_000;

/** Runs an npm script from the repository root as a user would, with none of the stack's variables set. */
async function npmRun(script: string): Promise<void> {
  const env = { ...process.env };
  for (const name of INFRA_VARIABLES) delete env[name];
  await promisify(execFile)("npm", ["run", script], {
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
      await npmRun("synth");

      // Assess
      const file = join(STACK_DIR, "cdk.tf.json");
      expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
      const tf = JSON.parse(readFileSync(file, "utf8"));
      const fn = Object.values(tf.resource.aws_lambda_function)[0] as {
        filename: string;
        function_name: string;
      };
      expect(fn.function_name).toBe("tweetstream-DDBEventProcessor");
      // The real bundle was built and zipped next to the JSON, where Terraform will look for it.
      expect(statSync(join(ROOT, "dist", "lambda", "processor", "index.mjs")).mtimeMs).toBeGreaterThanOrEqual(
        started - 1000,
      );
      expect(readFileSync(join(STACK_DIR, fn.filename)).subarray(0, 2).toString()).toBe("PK");
    },
    TIMEOUT_MS,
  );

  it(
    "npm run synth:hcl writes the same stack as HCL, apart from the directory cdktf deploy uses",
    async () => {
      // Act
      await npmRun("synth:hcl");

      // Assess
      const hcl = readFileSync(join(HCL_STACK_DIR, "cdk.tf"), "utf8");
      expect(hcl).toMatch(
        /resource "aws_lambda_function" "[^"]+" \{[^}]*function_name\s+= "tweetstream-DDBEventProcessor"/s,
      );
      expect(hcl).toMatch(/resource "aws_kinesis_stream" "[^"]+" \{[^}]*name\s+= "tweetstream-events"/s);
      // Terraform reads every .tf and .tf.json file of a directory: an HCL copy next to the JSON would
      // define each resource twice.
      expect(existsSync(join(STACK_DIR, "cdk.tf"))).toBe(false);
    },
    TIMEOUT_MS,
  );
});
