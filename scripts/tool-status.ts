// Prints, for .ci/run and anyone curious, which tool-gated tests this machine can run: every system program the
// tests probe for (test-support/system-tools.ts), present or missing with the command that enables it, and the
// Terraform check's provider mirror.
import { execFileSync } from "node:child_process";
import { type SystemToolName, systemTool } from "../test-support/system-tools.js";
import { findProviderMirror } from "../test-support/terraform-mirror.js";

const TOOLS: SystemToolName[] = [
  "java",
  "prometheus",
  "promtool",
  "docker-compose",
  "terraform",
  "terraform-aws-provider",
  "buildah",
  "debootstrap",
  "root",
  "node24",
];

for (const tool of TOOLS.map(systemTool)) {
  console.log(
    `  ${tool.present ? "present" : "MISSING"}  ${tool.name}${tool.present ? "" : `: ${tool.enable}`}`,
  );
}
const mirror = findProviderMirror();
const terraform = systemTool("terraform").present
  ? execFileSync("terraform", ["version"], { encoding: "utf8" }).split("\n")[0]
  : undefined;
console.log(
  terraform !== undefined && mirror !== undefined
    ? `Terraform check (init, validate, offline plan of the JSON and the HCL; deploy/destroy drivers): RUNS, ${terraform}, hashicorp/aws ${mirror.version} from ${mirror.dir}`
    : "Terraform check: CANNOT RUN here (terraform or a provider mirror missing); under CI=true its tests fail",
);
