import { formatComplianceDemo, runComplianceDemo } from "./compliance-demo.js";
import type { LocalPipeline } from "./pipeline.js";

/**
 * `npm start` runs the compliance demo when asked: the c key (on a terminal), or every
 * LOCAL_COMPLIANCE_DEMO_SECONDS. One demo at a time; nothing happens against real X.
 */
export function watchComplianceDemoRequests(
  pipeline: Pick<LocalPipeline, "x" | "dynamo" | "names" | "endpoints">,
  out: (line: string) => void,
  env: NodeJS.ProcessEnv,
): void {
  const x = pipeline.x;
  if (x === undefined) return;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runComplianceDemo({
        x,
        dynamo: pipeline.dynamo,
        table: pipeline.names.table,
        xUrl: pipeline.endpoints.x,
      });
      out(`[${new Date().toISOString()}] ${formatComplianceDemo(result)}`);
    } catch (err) {
      out(`[${new Date().toISOString()}] compliance: sweep failed: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  const seconds = demoInterval(env);
  if (seconds > 0) setInterval(run, seconds * 1000).unref();
  if (process.stdin.isTTY) {
    out("  compliance   press c: a stored post is deleted on the emulated X, then one sweep removes it");
    process.stdin.setRawMode(true);
    process.stdin.on("data", (key: Buffer) => {
      const k = key.toString();
      if (k === "c" || k === "C") void run();
      // Raw mode swallows Ctrl-C: pass it on as the signal the pipeline stops on.
      if (k === "\u0003") process.kill(process.pid, "SIGINT");
    });
  }
}

/** LOCAL_COMPLIANCE_DEMO_SECONDS: whole seconds from 1 to 86,400, or unset/0 for never; anything else is refused. */
export function demoInterval(env: NodeJS.ProcessEnv): number {
  const raw = env.LOCAL_COMPLIANCE_DEMO_SECONDS?.trim() ?? "";
  if (raw === "") return 0;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400)
    throw new Error(`LOCAL_COMPLIANCE_DEMO_SECONDS: expected whole seconds from 0 to 86400 (got "${raw}")`);
  return seconds;
}
