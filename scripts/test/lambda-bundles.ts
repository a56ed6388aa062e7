import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Builds every Lambda bundle the stack zips into dist/ (build:processor and any other build:<lambda>), as synth does. */
export async function buildLambdaBundles(timeoutMs: number): Promise<void> {
  const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const builds = Object.keys(scripts).filter((name) => /^build:(?!lambdas$)/.test(name));
  for (const name of builds)
    await promisify(execFile)("npm", ["run", name], { cwd: ROOT, timeout: timeoutMs });
}
