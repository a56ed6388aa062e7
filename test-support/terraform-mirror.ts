// Terraform cannot download providers on every machine (these development machines cannot), but some have the
// AWS provider unpacked in a filesystem mirror. This finds one, so tests can run `terraform init` offline.
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const AWS = join("registry.terraform.io", "hashicorp", "aws");
const PLATFORM = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/** Where mirrors usually live: TF_PROVIDER_MIRROR first, then Terraform's implied local mirror directories. */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    env.TF_PROVIDER_MIRROR,
    "/opt/tf-plugins",
    join(homedir(), ".terraform.d", "plugins"),
    join(homedir(), ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ].filter((dir): dir is string => dir !== undefined && dir !== "");
}

export interface ProviderMirror {
  /** The mirror's root: the directory to name in `filesystem_mirror { path = ... }`. */
  readonly dir: string;
  /** The newest hashicorp/aws version it holds for this platform, e.g. "5.100.0". */
  readonly version: string;
}

const byVersion = (a: string, b: string) => {
  const [pa, pb] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((pa?.[i] ?? 0) !== (pb?.[i] ?? 0)) return (pa?.[i] ?? 0) - (pb?.[i] ?? 0);
  return 0;
};

/** The first mirror holding an unpacked hashicorp/aws provider for this platform, or undefined. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): ProviderMirror | undefined {
  for (const dir of mirrorCandidates(env)) {
    const versionsDir = join(dir, AWS);
    if (!existsSync(versionsDir)) continue;
    const versions = readdirSync(versionsDir)
      .filter((version) => /^\d+\.\d+\.\d+$/.test(version))
      .filter((version) =>
        existsSync(join(versionsDir, version, PLATFORM))
          ? readdirSync(join(versionsDir, version, PLATFORM)).some((f) =>
              f.startsWith("terraform-provider-aws"),
            )
          : false,
      )
      .sort(byVersion);
    const newest = versions.at(-1);
    if (newest !== undefined) return { dir, version: newest };
  }
  return undefined;
}
