// `npm run deploy`: synthesize, then Terraform in the stack directory: init, a saved plan, apply of exactly that
// plan, and the outputs (without the secret) in <outdir>/outputs.json. Needs no cdktf-cli, so any Node >= 20.19.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { synthOrExit } from "./lib/synth-cli.js";
import { confirmOrExit, outputsFile, outputsJson, runOrExit } from "./lib/terraform-cli.js";

const { stackDir, stackName } = synthOrExit({ hcl: false });
const planFile = "tfplan";
runOrExit(stackDir, ["init", "-input=false"]);
runOrExit(stackDir, ["plan", "-input=false", `-out=${planFile}`]);
await confirmOrExit("apply this plan");
runOrExit(stackDir, ["apply", "-input=false", planFile]);
// A saved plan holds the planned values, the secret's too once known: it has served its purpose.
rmSync(join(stackDir, planFile), { force: true });
const file = join(stackDir, "..", "..", "outputs.json");
writeFileSync(file, outputsFile(stackName, outputsJson(stackDir)));
console.log(
  `\nOutputs written to ${file} (SecretAccessKey: terraform -chdir=${stackDir} output -raw SecretAccessKey)`,
);
