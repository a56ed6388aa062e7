import { spawn } from "node:child_process";

export interface RunOptions {
  /** Hard bound: the whole process group is killed when it is exceeded. */
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stream the command's output to our stderr as it arrives (long steps: debootstrap, image builds). */
  readonly echo?: boolean;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    reason: string,
  ) {
    super(`${command}: ${reason}\n${tail(stderr || stdout)}`);
    this.name = "CommandError";
  }
}

const TAIL_CHARS = 4_000;
const tail = (text: string): string => (text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text);

/**
 * Runs a command to completion with a hard time bound, resolving with its output or rejecting with an error
 * that names the command, its exit status and the end of its output.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const display = [command, ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group, so a timeout kills grandchildren too (buildah and debootstrap fork helpers).
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new CommandError(display, null, stdout, stderr, `could not start (${error.message})`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new CommandError(display, code, stdout, stderr, `timed out after ${options.timeoutMs} ms`));
      } else if (code === 0) {
        resolve({ stdout, stderr });
      } else {
        reject(new CommandError(display, code, stdout, stderr, `exited with ${code ?? signal}`));
      }
    });
  });
}

/** Kills a process group started with `detached: true`; a group that is already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
