import { relative, resolve } from "node:path";
import { App, LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { InfraConfig } from "./config.js";

/**
 * The local state file's path as the backend names it: TF_STATE_PATH as given, or else `terraform.<stack>.tfstate`
 * in the directory synthesis runs from (the one with cdktf.json, outside cdktf.out so that cleaning build output
 * never loses it), written relative to the synthesized stack's directory, where Terraform runs. Relative, so a
 * moved or re-cloned checkout finds its state (cdktf's default wrote the checkout's absolute path).
 */
export function localStatePath(stack: TerraformStack, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const stackDir = resolve(App.of(stack).outdir, "stacks", stack.node.id);
  const fromStackDir = relative(stackDir, process.cwd()).split("\\").join("/");
  return `${fromStackDir === "" ? "." : fromStackDir}/terraform.${stack.node.id}.tfstate`;
}

/**
 * Where Terraform keeps the state of what it created. Without TF_STATE_BUCKET: a local file (see localStatePath),
 * fine for one person on one machine. With it: an S3 bucket you already own, encrypted and locked, so a team or
 * CI can share the state.
 */
export function configureStateBackend(stack: TerraformStack, backend: InfraConfig["stateBackend"]): void {
  if (backend.kind === "local") {
    new LocalBackend(stack, { path: localStatePath(stack, backend.path) });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
  });
  // S3-native locking (Terraform >= 1.10) keeps two applies apart without a DynamoDB lock table;
  // cdktf 0.21's typed backend config predates the option, hence the override.
  s3.addOverride("use_lockfile", true);
}
