// What synth, deploy and destroy share: synthesize through the cdktf library (no cdktf-cli, no native module),
// print what the user must know, and turn a configuration error into one clear line and exit code 1.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deployWarnings, type SynthResult, synthesizeStack } from "../../infra/app.js";
import { readInfraConfig } from "../../infra/config.js";

const BUNDLE_DIR = fileURLToPath(new URL("../../dist/lambda/processor", import.meta.url));

/** Synthesizes the stack into `CDKTF_OUTDIR` (default `cdktf.out`; `<that>/hcl` for HCL), or exits with the reason. */
export function synthOrExit(options: { hcl: boolean }): SynthResult & { stackName: string } {
  // No cdktf telemetry, whoever runs this.
  process.env.CHECKPOINT_DISABLE = "1";
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  try {
    const config = readInfraConfig();
    for (const warning of deployWarnings(config)) console.warn(warning);
    // HCL goes to its own directory: Terraform would read a JSON and an HCL copy side by side as duplicates.
    const target = options.hcl ? `${outdir}/hcl` : outdir;
    // cdktf's App creates only the last level of its outdir: `synth:hcl` on a fresh clone (no cdktf.out yet) or a
    // nested CDKTF_OUTDIR failed with ENOENT.
    mkdirSync(target, { recursive: true });
    const result = synthesizeStack({
      config,
      processorBundleDir: BUNDLE_DIR,
      outdir: target,
      hcl: options.hcl,
    });
    return { ...result, stackName: config.stackName };
  } catch (error) {
    // A wrong setting or a Lambda bundle not built yet (LambdaBundleMissingError):
    // the message says what to do, and a stack trace would only hide it.
    const userFacing =
      error instanceof Error && /^(InfraConfigError|\w+BundleMissingError)$/.test(error.name);
    if (!userFacing) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
