import type { ImageConfig, ImageInspection } from "./buildah.js";

/** Docker-format images carry HEALTHCHECK; the OCI config is the fallback for images built without it. */
export function imageConfig(inspection: ImageInspection): ImageConfig {
  const config = inspection.Docker?.config ?? inspection.OCIv1?.config;
  if (!config) throw new Error("image inspection has neither a Docker nor an OCI config");
  return config;
}

/** The argv a container runtime executes for this image: ENTRYPOINT followed by CMD, as `docker run` does. */
export function processArgs(config: ImageConfig): string[] {
  const args = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (args.length === 0) throw new Error("image declares neither ENTRYPOINT nor CMD");
  return args;
}

export interface RunSpec {
  readonly container: string;
  readonly config: ImageConfig;
  /** Added after the image's own Env, so these win (as `docker run -e` does). */
  readonly env?: Readonly<Record<string, string>>;
  /** host path → container path */
  readonly volumes?: Readonly<Record<string, string>>;
  /** Runs this instead of the image's ENTRYPOINT/CMD (for probes), still as the image's user. */
  readonly command?: readonly string[];
}

/**
 * `buildah run` arguments that start a process the way a container engine would from the image config:
 * its user, working directory, environment and entry point. buildah applies none of these reliably on
 * its own, so each is passed explicitly. Chroot isolation shares the host's network namespace.
 */
export function buildahRunArgs(spec: RunSpec): string[] {
  const { config } = spec;
  const args = ["run", "--isolation", "chroot"];
  if (config.User) args.push("--user", config.User);
  if (config.WorkingDir) args.push("--workingdir", config.WorkingDir);
  for (const entry of config.Env ?? []) args.push("--env", entry);
  for (const [name, value] of Object.entries(spec.env ?? {})) args.push("--env", `${name}=${value}`);
  for (const [host, target] of Object.entries(spec.volumes ?? {})) args.push("--volume", `${host}:${target}`);
  args.push(spec.container, "--", ...(spec.command ?? processArgs(config)));
  return args;
}

/** The command Docker would run for the image's HEALTHCHECK, or undefined when there is none. */
export function healthcheckCommand(config: ImageConfig): string[] | undefined {
  const [kind, ...rest] = config.Healthcheck?.Test ?? [];
  if (kind === "CMD" && rest.length > 0) return rest;
  if (kind === "CMD-SHELL" && rest[0] !== undefined) return ["/bin/sh", "-c", rest[0]];
  return undefined;
}

/** The numeric uid a `USER` value runs as, when it is numeric (names need the image's /etc/passwd). */
export function numericUid(user: string | undefined): number | undefined {
  const uid = user?.split(":")[0];
  return uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : undefined;
}
