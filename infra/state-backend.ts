import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { InfraConfig } from "./config.js";

/**
 * Where Terraform keeps the state of what it created. Without TF_STATE_BUCKET: a local file,
 * `terraform.<stack>.tfstate` in the directory the cdktf CLI runs from (the one with cdktf.json, outside
 * cdktf.out so that cleaning build output never loses it); fine for one person on one machine.
 * With it: an S3 bucket you already own, encrypted, so a team or CI can share the state.
 */
export function configureStateBackend(stack: TerraformStack, backend: InfraConfig["stateBackend"]): void {
  if (backend.kind === "local") {
    new LocalBackend(stack, {});
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
