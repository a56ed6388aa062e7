// Terraform itself reads what we synthesize: `init`, `validate` and an offline `plan` of the JSON and of the HCL,
// with the AWS provider from a filesystem mirror (see test-support/terraform-mirror.ts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithTools, systemTool } from "../../test-support/system-tools.js";
import { findProviderMirror, type ProviderMirror } from "../../test-support/terraform-mirror.js";
import { synthesizeStack } from "../app.js";
import { readInfraConfig } from "../config.js";
import { FIXTURE_BUNDLE } from "./synth.js";
import {
  terraform,
  withoutMirrorLockNotice,
  writeCliConfig,
  writeOfflineOverrides,
} from "./terraform-offline.js";

const TIMEOUT_MS = 300_000;

/** One line of `terraform plan -json`, as far as the test reads it. */
interface PlanMessage {
  readonly "@level": string;
  readonly type: string;
  readonly change?: { readonly action: string; readonly resource: { addr: string; resource_type: string } };
}

/** Resource type → how many the synthesized stack declares. */
function declaredCounts(stackDir: string, hcl: boolean): Record<string, number> {
  const text = readFileSync(join(stackDir, hcl ? "cdk.tf" : "cdk.tf.json"), "utf8");
  const counts: Record<string, number> = {};
  if (hcl) {
    for (const [, type] of text.matchAll(/^resource "([a-z0-9_]+)" "[^"]+" \{$/gm))
      counts[type as string] = (counts[type as string] ?? 0) + 1;
    return counts;
  }
  const resources = (JSON.parse(text) as { resource: Record<string, object> }).resource;
  return Object.fromEntries(
    Object.entries(resources).map(([type, byId]) => [type, Object.keys(byId).length]),
  );
}

describeWithTools(
  [systemTool("terraform"), systemTool("terraform-aws-provider")],
  "terraform reads the synthesized stack",
  () => {
    let work: string;
    let cliConfig: string;
    let mirror: ProviderMirror;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), "tweetstream-terraform-"));
      mirror = findProviderMirror() as ProviderMirror;
      cliConfig = join(work, "terraform.rc");
      writeCliConfig(cliConfig, mirror, join(work, "plugin-cache"));
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    describe.each([
      ["JSON", false],
      ["HCL", true],
    ])("the %s output", (_, hcl) => {
      let stackDir: string;
      beforeAll(() => {
        // State inside the throwaway directory: nothing is written next to the checkout.
        const config = readInfraConfig({ TF_STATE_PATH: "terraform.tfstate" });
        ({ stackDir } = synthesizeStack({
          config,
          processorBundleDir: FIXTURE_BUNDLE,
          outdir: join(work, hcl ? "hcl" : "json"),
          hcl,
        }));
        const text = readFileSync(join(stackDir, hcl ? "cdk.tf" : "cdk.tf.json"), "utf8");
        const lambdaIds = hcl
          ? [...text.matchAll(/^resource "aws_lambda_function" "([^"]+)"/gm)].map((m) => m[1] as string)
          : Object.keys(JSON.parse(text).resource.aws_lambda_function ?? {});
        writeOfflineOverrides(stackDir, mirror, lambdaIds);
      }, TIMEOUT_MS);

      it(
        "initializes, validates and plans every resource for creation, with no error or warning",
        () => {
          // Act
          const init = terraform(stackDir, cliConfig, ["init", "-input=false", "-no-color"]);
          const validate = terraform(stackDir, cliConfig, ["validate", "-json", "-no-color"]);
          // -json: one message a line, warnings and errors as diagnostics, one planned_change per resource.
          const plan = terraform(stackDir, cliConfig, ["plan", "-input=false", "-json", "-out=tfplan"]);

          // Assess
          for (const run of [init, validate, plan]) expect(run.status, run.output).toBe(0);
          expect(withoutMirrorLockNotice(init.output)).not.toMatch(/Warning|Error|deprecat/i);
          expect(JSON.parse(validate.output)).toEqual(
            expect.objectContaining({ valid: true, warning_count: 0, error_count: 0, diagnostics: [] }),
          );
          const messages = plan.output
            .split("\n")
            .filter((line) => line.startsWith("{"))
            .map((line) => JSON.parse(line) as PlanMessage);
          expect(messages.filter((m) => m.type === "diagnostic" || m["@level"] !== "info")).toEqual([]);
          const changes = messages.filter(
            (m) => m.type === "planned_change" && !m.change?.resource.addr.startsWith("data."),
          );
          expect(changes.every((m) => m.change?.action === "create")).toBe(true);
          const planned: Record<string, number> = {};
          for (const { change } of changes) {
            const type = change?.resource.resource_type ?? "";
            planned[type] = (planned[type] ?? 0) + 1;
          }
          // Every type and count synthesized is planned, nothing more; stack-defaults.test.ts pins that list.
          console.info(`terraform plans (${hcl ? "HCL" : "JSON"}): ${JSON.stringify(planned)}`);
          expect(planned).toEqual(declaredCounts(stackDir, hcl));
          expect(Object.keys(planned)).toEqual(
            expect.arrayContaining([
              "aws_kinesis_stream",
              "aws_lambda_function",
              "aws_sqs_queue_policy",
              // The failed-batch bucket, its policy, encryption and lifecycle, and the alarms.
              "aws_s3_bucket",
              "aws_s3_bucket_policy",
              "aws_s3_bucket_public_access_block",
              "aws_s3_bucket_server_side_encryption_configuration",
              "aws_s3_bucket_lifecycle_configuration",
              "aws_cloudwatch_metric_alarm",
            ]),
          );
        },
        TIMEOUT_MS,
      );

      if (hcl) {
        it("is formatted: terraform fmt -check passes", () => {
          const fmt = terraform(stackDir, cliConfig, ["fmt", "-check", "-diff", "-no-color", "cdk.tf"]);

          expect(fmt.status, fmt.output).toBe(0);
        });
      }
    });
  },
);
