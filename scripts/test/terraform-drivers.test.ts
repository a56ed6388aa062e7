// npm run deploy / destroy drive the real Terraform in the synthesized stack directory, offline: the AWS provider
// from a filesystem mirror, fake credentials, and every AWS endpoint on a closed loopback port, so nothing can
// leave the machine. Destroy on an empty state completes; deploy gets as far as applying its saved plan, where
// the first AWS call fails, and stops there with Terraform's own error.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeCliConfig, writeOfflineOverrides } from "../../infra/test/terraform-offline.js";
import { describeWithTools, systemTool } from "../../test-support/system-tools.js";
import { findProviderMirror, type ProviderMirror } from "../../test-support/terraform-mirror.js";
import { buildLambdaBundles, ROOT } from "./lambda-bundles.js";

const TIMEOUT_MS = 300_000;
const CLOSED_PORT = "http://127.0.0.1:9";
// Every service the stack uses, and likely neighbours; the deploy test fails if any call still heads for AWS.
const SERVICES = [
  ...["cloudwatch", "dynamodb", "events", "iam", "kinesis", "kms", "lambda", "logs"],
  ...["s3", "scheduler", "secretsmanager", "sns", "sqs", "ssm", "sts"],
];

/** Each of `steps` appears in `output`, in this order. */
function expectInOrder(output: string, steps: readonly string[]): void {
  const at = steps.map((step) => output.indexOf(step));
  expect(
    steps.filter((_, i) => (at[i] ?? -1) < 0),
    output,
  ).toEqual([]);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
}

describeWithTools(
  [systemTool("terraform"), systemTool("terraform-aws-provider")],
  "npm run deploy / destroy drive terraform",
  () => {
    let work: string;
    let stackDir: string;
    // Only what the drivers need: none of the stack's variables, no AWS credentials of the machine.
    let env: NodeJS.ProcessEnv = {};
    const run = (script: string, ...args: string[]) => {
      const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    };

    beforeAll(async () => {
      await buildLambdaBundles(TIMEOUT_MS);
      work = mkdtempSync(join(tmpdir(), "tweetstream-drivers-"));
      const mirror = findProviderMirror() as ProviderMirror;
      writeCliConfig(join(work, "terraform.rc"), mirror, join(work, "plugin-cache"));
      stackDir = join(work, "out", "stacks", "tweetstream");
      env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: process.env.CI };
      Object.assign(env, {
        CDKTF_OUTDIR: join(work, "out"),
        TF_STATE_PATH: "terraform.tfstate",
        TF_CLI_CONFIG_FILE: join(work, "terraform.rc"),
        TF_IN_AUTOMATION: "1",
      });
      // A first synth names the functions; the override files then survive the drivers' own synthesis (it
      // replaces only its own files), as a user's would.
      expect(run("scripts/synth.ts").status).toBe(0);
      const synthesized = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
      writeOfflineOverrides(stackDir, mirror, Object.keys(synthesized.resource.aws_lambda_function ?? {}));
      writeFileSync(
        join(stackDir, "endpoints_override.tf.json"),
        JSON.stringify({
          provider: {
            aws: { max_retries: 1, endpoints: [Object.fromEntries(SERVICES.map((s) => [s, CLOSED_PORT]))] },
          },
        }),
      );
    }, TIMEOUT_MS);
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it(
      "destroy plans first, then destroys exactly that plan",
      () => {
        // Act
        const { status, output } = run("scripts/destroy.ts", "--auto-approve");

        // Assess
        expect(status, output).toBe(0);
        const steps = [
          "init -input=false",
          "plan -destroy -input=false -out=tfplan-destroy",
          "No objects need to be destroyed",
          "apply -input=false tfplan-destroy",
          "0 destroyed",
        ];
        expectInOrder(output, steps);
        expect(existsSync(join(stackDir, "tfplan-destroy"))).toBe(false);
      },
      TIMEOUT_MS,
    );

    it(
      "deploy saves a plan and applies that plan; when Terraform fails it stops with Terraform's error",
      () => {
        // Act
        const { status, output } = run("scripts/deploy.ts", "--auto-approve");

        // Assess
        expect(status).not.toBe(0);
        const steps = [
          "init -input=false",
          "plan -input=false -out=tfplan",
          " to add, 0 to change, 0 to destroy",
          "apply -input=false tfplan",
          "Creating...",
        ];
        expectInOrder(output, steps);
        expect(output).toMatch(/Error: .*127\.0\.0\.1:9/s);
        expect(output).not.toMatch(/https?:\/\/[^\s"]*amazonaws\.com/);
        expect(output).toContain("terraform apply failed");
        expect(existsSync(join(work, "out", "outputs.json"))).toBe(false);
      },
      TIMEOUT_MS,
    );

    it(
      "asks before applying, and without a terminal insists on --auto-approve",
      () => {
        // Act
        const { status, output } = run("scripts/destroy.ts");

        // Assess
        expect(status).toBe(1);
        expect(output).toContain("pass --auto-approve");
        expect(output).not.toContain("apply -input=false");
      },
      TIMEOUT_MS,
    );
  },
);
