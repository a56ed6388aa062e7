// `npm run synth` (Terraform JSON) and `npm run synth:hcl` (HCL, `--hcl`): the cdktf app through the library alone.
import { relative } from "node:path";
import { synthOrExit } from "./lib/synth-cli.js";

const hcl = process.argv.includes("--hcl");
const { stackDir } = synthOrExit({ hcl });
console.log(`Synthesized ${hcl ? "HCL" : "Terraform JSON"} into ${relative(process.cwd(), stackDir)}`);
