import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSpooledProducer, useFaultRig } from "./harness.js";

const rig = useFaultRig(beforeEach, afterEach);

describe("two producers on one SPOOL_DIR", () => {
  it("the second fails at start, naming the first, and the first goes on", async () => {
    // Prepare: a producer holding the spool directory (a scaled service, a rolling update on one volume).
    const timing = { requestTimeoutMs: 1_000, shutdownGraceMs: 1_000 };
    const first = startSpooledProducer(rig, timing);
    await first.url();

    // Act
    const second = startSpooledProducer(rig, timing);
    const secondExit = await second.exited;

    // Assess
    expect(secondExit).toBe(1);
    expect(second.output()).toMatch(
      new RegExp(`failed to start: spool directory ".*" is in use by process ${first.pid} on host `),
    );
    expect(await first.metric("tweetstream_producer_spool_max_bytes")).toBeGreaterThan(0);
    expect(await first.kill("SIGTERM")).toBe(0);
  }, 60_000);
});
