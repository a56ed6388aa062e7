// Synthesis through the cdktf library alone: no cdktf-cli, so no native module, and any Node version cdktf runs on.
// `npm run synth`, `synth:hcl`, `deploy` and `destroy` (scripts/) and `cdktf synth|deploy|destroy` (infra/main.ts)
// all come through here.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import type { InfraConfig } from "./config.js";
import { formatHcl } from "./hcl-format.js";
import { TweetstreamStack } from "./stack.js";

export interface SynthOptions {
  readonly config: InfraConfig;
  /** Directory of the processor's esbuild bundle. */
  readonly processorBundleDir: string;
  /** Default: CDKTF_OUTDIR, else `cdktf.out` (cdktf's own rule). */
  readonly outdir?: string;
  /** HCL (`cdk.tf`) instead of JSON (`cdk.tf.json`); SYNTH_HCL_OUTPUT=true, set by `cdktf synth --hcl`, also asks for it. */
  readonly hcl?: boolean;
}

export interface SynthResult {
  /** Where Terraform runs: `<outdir>/stacks/<stack>`. */
  readonly stackDir: string;
  readonly hcl: boolean;
}

/** What a person deploying with this configuration must know before they apply. */
export function deployWarnings(config: InfraConfig): string[] {
  if (config.producer.identity !== "user" || config.producer.pgpKey !== undefined) return [];
  if (config.stateBackend.kind !== "local") return [];
  return [
    "WARNING: the producer's secret access key will be stored in plain text in the local Terraform state file. " +
      "If the producer runs on AWS, use PRODUCER_IDENTITY=role (no key at all); otherwise set PRODUCER_PGP_KEY " +
      "(the state keeps only the encrypted secret) or keep the state in an encrypted S3 bucket (TF_STATE_BUCKET).",
  ];
}

/** Writes the stack's Terraform under `<outdir>/stacks/<stack>`, replacing what an earlier synth left there. */
export function synthesizeStack(options: SynthOptions): SynthResult {
  // cdktf 0.21's App takes `hclOutput`, but each stack's synthesizer reads only SYNTH_HCL_OUTPUT: set both.
  const previous = process.env.SYNTH_HCL_OUTPUT;
  if (options.hcl !== undefined) process.env.SYNTH_HCL_OUTPUT = String(options.hcl);
  try {
    return synthesizeWith(options);
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

function synthesizeWith(options: SynthOptions): SynthResult {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    hclOutput: options.hcl ?? false,
  });
  const stackDir = resolve(app.outdir, "stacks", options.config.stackName);
  // Terraform reads every .tf and .tf.json of the directory: a stale file of the other format, or an old bundle,
  // must not survive. Terraform's own files (.terraform, the lock file, a saved plan) and overrides stay.
  for (const stale of ["cdk.tf.json", "cdk.tf", "assets"]) {
    rmSync(join(stackDir, stale), { recursive: true, force: true });
  }
  new TweetstreamStack(app, options.config.stackName, {
    config: options.config,
    processorBundleDir: options.processorBundleDir,
  });
  app.synth();
  const hclFile = join(stackDir, "cdk.tf");
  if (app.hclOutput && existsSync(hclFile)) writeFileSync(hclFile, formatHcl(readFileSync(hclFile, "utf8")));
  return { stackDir, hcl: app.hclOutput };
}
