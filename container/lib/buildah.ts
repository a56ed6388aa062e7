import { type RunOptions, type RunResult, runCommand } from "./run-command.js";

/** Image metadata as `buildah inspect --type image` prints it (only the fields the harness reads). */
export interface ImageInspection {
  readonly FromImageID: string;
  readonly History?: readonly { readonly created_by?: string }[];
  readonly Docker?: { readonly config?: ImageConfig };
  readonly OCIv1?: { readonly config?: ImageConfig };
}

export interface ImageConfig {
  readonly User?: string;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly WorkingDir?: string;
  readonly ExposedPorts?: Record<string, unknown>;
  readonly Volumes?: Record<string, unknown>;
  readonly Labels?: Record<string, string>;
  readonly Healthcheck?: { readonly Test?: readonly string[]; readonly Timeout?: number };
}

const QUICK_MS = 60_000;

/**
 * `buildah bud` as the harness always runs it: chroot isolation (no daemon, no user namespaces), no pulls
 * (every base must already be local), Docker image format (OCI drops HEALTHCHECK).
 */
export function bud(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return runCommand(
    "buildah",
    ["bud", "--isolation", "chroot", "--pull=never", "--format", "docker", ...args],
    options,
  );
}

export async function inspectImage(image: string): Promise<ImageInspection | undefined> {
  try {
    const { stdout } = await runCommand("buildah", ["inspect", "--type", "image", image], {
      timeoutMs: QUICK_MS,
    });
    return JSON.parse(stdout) as ImageInspection;
  } catch {
    return undefined; // not in local storage
  }
}

/** Image size as buildah prints it ("253 MB": uncompressed layers, base included). */
export async function reportedImageSize(image: string): Promise<string> {
  const { stdout } = await runCommand("buildah", ["images", "--json", image], { timeoutMs: QUICK_MS });
  const rows = JSON.parse(stdout) as { size?: string }[];
  const size = rows[0]?.size;
  if (size === undefined) throw new Error(`buildah images printed no size for ${image}: ${stdout}`);
  return size;
}

export async function fromImage(image: string, name: string): Promise<string> {
  const { stdout } = await runCommand("buildah", ["from", "--pull=never", "--name", name, image], {
    timeoutMs: QUICK_MS,
  });
  return stdout.trim();
}

export async function mountContainer(container: string): Promise<string> {
  const { stdout } = await runCommand("buildah", ["mount", container], { timeoutMs: QUICK_MS });
  return stdout.trim();
}

/** Removes containers and images, ignoring ones that are already gone. */
export async function removeQuietly(kind: "rm" | "rmi", names: readonly string[]): Promise<void> {
  for (const name of names) {
    await runCommand("buildah", [kind, name], { timeoutMs: QUICK_MS }).catch(() => undefined);
  }
}
