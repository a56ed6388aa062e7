// `npm run destroy`: synthesize with the deploy's settings, then Terraform in the stack directory: init, a destroy
// plan to read first, then the destroy itself (apply of exactly that plan). Needs no cdktf-cli.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { synthOrExit } from "./lib/synth-cli.js";
import { confirmOrExit, runOrExit } from "./lib/terraform-cli.js";

const { stackDir } = synthOrExit({ hcl: false });
const planFile = "tfplan-destroy";
runOrExit(stackDir, ["init", "-input=false"]);
runOrExit(stackDir, ["plan", "-destroy", "-input=false", `-out=${planFile}`]);
await confirmOrExit("destroy everything this plan lists");
runOrExit(stackDir, ["apply", "-input=false", planFile]);
rmSync(join(stackDir, planFile), { force: true });
