import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { killGroup } from "./run-command.js";

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const OUTPUT_LIMIT = 64 * 1024;

/** A long-running command (here: `buildah run …`) whose output is kept and whose exit can be awaited. */
export class RunningProcess {
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private output = "";
  private readonly child: ChildProcess;

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-OUTPUT_LIMIT);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.on("error", (error) => {
        keep(Buffer.from(`could not start ${command}: ${error.message}\n`));
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`process did not start:\n${this.output}`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Everything the process printed (the last 64 KiB). */
  get log(): string {
    return this.output;
  }

  /** Resolves with the exit, or with undefined if the process is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<Exit | undefined> {
    return Promise.race([this.exited, sleep(timeoutMs).then(() => undefined)]);
  }

  /** Last resort for cleanup: kills the whole process group. */
  kill(): void {
    if (this.running) killGroup(this.child.pid);
  }
}
