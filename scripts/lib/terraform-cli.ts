// Drives Terraform (or OpenTofu with TF_BINARY=tofu) in the synthesized stack directory, streaming its own output.
import { spawnSync } from "node:child_process";
import { createInterface } from "node:readline/promises";

export const terraformBinary = (env: NodeJS.ProcessEnv = process.env): string => env.TF_BINARY || "terraform";

/** `<binary> -chdir=<stackDir> <args>` with the terminal passed through; exits with its status when it fails. */
export function runOrExit(stackDir: string, args: string[]): void {
  const binary = terraformBinary();
  console.log(`\n$ ${binary} -chdir=${stackDir} ${args.join(" ")}`);
  const result = spawnSync(binary, [`-chdir=${stackDir}`, ...args], { stdio: "inherit" });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    console.error(
      `${binary} is not on PATH: install Terraform >= 1.10 (or OpenTofu, then set TF_BINARY=tofu) and run this again.`,
    );
    process.exit(127);
  }
  if (result.status !== 0) {
    console.error(
      `${binary} ${args[0]} failed (exit ${result.status ?? result.signal}); nothing after it was run.`,
    );
    process.exit(result.status ?? 1);
  }
}

/** `<binary> output -json`, captured. */
export function outputsJson(stackDir: string): string {
  const result = spawnSync(terraformBinary(), [`-chdir=${stackDir}`, "output", "-json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  return result.stdout;
}

/**
 * Terraform's `output -json` reshaped as `cdktf deploy --outputs-file` writes it, `{ <stack>: { <name>: value } }`,
 * without sensitive values (the secret stays in the state; `terraform output -raw SecretAccessKey` reads it).
 */
export function outputsFile(stackName: string, terraformOutputJson: string): string {
  const outputs = JSON.parse(terraformOutputJson) as Record<string, { sensitive: boolean; value: unknown }>;
  const shown = Object.entries(outputs).filter(([, output]) => !output.sensitive);
  return `${JSON.stringify({ [stackName]: Object.fromEntries(shown.map(([n, o]) => [n, o.value])) }, null, 2)}\n`;
}

/** Asks before changing anything, unless `--auto-approve`; without a terminal to ask on, insists on the flag. */
export async function confirmOrExit(what: string, argv: string[] = process.argv): Promise<void> {
  if (argv.includes("--auto-approve")) return;
  if (!process.stdin.isTTY) {
    console.error(`Not a terminal, so nobody can confirm: pass --auto-approve to ${what} without asking.`);
    process.exit(1);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(`\nDo you want to ${what}? Only 'yes' will be accepted: `);
  prompt.close();
  if (answer.trim() !== "yes") {
    console.error("Cancelled: nothing was changed.");
    process.exit(1);
  }
}
