// Runs the real Terraform on a synthesized stack without network: the AWS provider from a filesystem mirror,
// fake credentials, no account lookups. Override files adapt the copy to the mirror's provider; the stack is
// never changed for it.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProviderMirror } from "../../test-support/terraform-mirror.js";

/** The first AWS provider version that knows the `nodejs24.x` Lambda runtime. */
const NODEJS24_SINCE = [6, 19];

export interface TerraformRun {
  readonly status: number | null;
  /** stdout and stderr together, without colours. */
  readonly output: string;
}

/** A CLI configuration that installs hashicorp/aws from the mirror only and never asks a registry for it. */
export function writeCliConfig(path: string, mirror: ProviderMirror, pluginCache: string): void {
  mkdirSync(pluginCache, { recursive: true });
  writeFileSync(
    path,
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror.dir)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
}

const olderThan = (version: string, [major, minor]: number[]) => {
  const [a = 0, b = 0] = version.split(".").map(Number);
  return a < (major ?? 0) || (a === major && b < (minor ?? 0));
};

/** Override files for `stackDir`: the mirror's provider version, offline credentials, and a runtime it knows. */
export function writeOfflineOverrides(stackDir: string, mirror: ProviderMirror, lambdaIds: string[]): void {
  const json = (name: string, value: unknown) =>
    writeFileSync(join(stackDir, name), `${JSON.stringify(value, null, 2)}\n`);
  json("versions_override.tf.json", {
    terraform: { required_providers: { aws: { version: mirror.version } } },
  });
  json("offline_override.tf.json", {
    provider: {
      aws: {
        access_key: "offline-test",
        secret_key: "offline-test",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
      },
    },
  });
  if (olderThan(mirror.version, NODEJS24_SINCE) && lambdaIds.length > 0) {
    const functions = Object.fromEntries(lambdaIds.map((id) => [id, { runtime: "nodejs22.x" }]));
    json("runtime_override.tf.json", { resource: { aws_lambda_function: functions } });
  }
}

/**
 * Init's one warning that is about this machine, not the stack: a mirror install computes lock-file checksums
 * for this platform only. Removed before the output is checked for warnings.
 */
export function withoutMirrorLockNotice(output: string): string {
  return output.replace(
    /Warning: Incomplete lock file information for providers[\s\S]*?\(where \S+ is the platform to generate\)/,
    "",
  );
}

/** `terraform <args>` in `stackDir`, with only the environment it needs (no real AWS credentials reach it). */
export function terraform(stackDir: string, cliConfig: string, args: string[]): TerraformRun {
  const result = spawnSync("terraform", [`-chdir=${stackDir}`, ...args], {
    encoding: "utf8",
    timeout: 240_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      AWS_EC2_METADATA_DISABLED: "true",
    },
  });
  return {
    status: result.status,
    output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ?? ""}`,
  };
}
