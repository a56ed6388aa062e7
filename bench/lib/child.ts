import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

const TASKSET = "/usr/bin/taskset";
const STDERR_TAIL_BYTES = 4096;
const STOP_GRACE_MS = 10_000;

/** Whether runs can be pinned to cores (taskset present and at least two cores). */
export function canPin(cores: number): boolean {
  return existsSync(TASKSET) && cores >= 2;
}

export interface BenchChild {
  process: ChildProcess;
  /** Sends `message` and resolves with the child's next message (rejects if the child dies first). */
  ask<T>(message: object): Promise<T>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Pin the child to this CPU core with taskset. */
  core?: number;
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
}

/**
 * Starts a built bench child (see build-children.ts) in its own Node process with an IPC channel, so its
 * CPU time and peak RSS are its own. The child answers each message with exactly one message.
 */
export async function spawnBenchChild(script: string, options: SpawnOptions = {}): Promise<BenchChild> {
  const node = [...(options.nodeArgs ?? []), script];
  const [command, args] =
    options.core === undefined
      ? [process.execPath, node]
      : [TASKSET, ["-c", String(options.core), process.execPath, ...node]];
  const child = spawn(command, args, {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, ...options.env },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`bench child ${script} exited (${signal ?? code}): ${stderr.trim()}`)),
    );
  });
  exited.catch(() => undefined);
  const next = <T>(): Promise<T> =>
    Promise.race([
      new Promise<T>((resolve, reject) =>
        child.once("message", (message: { type?: string; message?: string }) => {
          if (message.type === "error") reject(new Error(`bench child failed: ${message.message}`));
          else resolve(message as T);
        }),
      ),
      exited,
    ]);
  await next<{ type: "ready" }>();
  return {
    process: child,
    ask<T>(message: object) {
      const reply = next<T>();
      child.send(message);
      return reply;
    },
    // Disconnecting lets the child exit by itself (and write a --cpu-prof profile); SIGTERM if it hangs.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const hung = setTimeout(() => child.kill("SIGTERM"), STOP_GRACE_MS);
        child.once("exit", () => {
          clearTimeout(hung);
          resolve();
        });
        child.disconnect();
      }),
  };
}

/**
 * The child side: announces readiness, then answers each parent message with `handle`'s result (or an
 * error message), and exits when the parent disconnects.
 */
export function serveParent(handle: (message: Record<string, unknown>) => Promise<object>): void {
  const send = (message: object) => process.send?.(message);
  process.on("message", (message: Record<string, unknown>) => {
    handle(message).then(send, (err: unknown) =>
      send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}
