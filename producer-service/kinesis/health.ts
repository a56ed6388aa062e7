import { DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import type { StreamTarget } from "./writer-options.js";

/** Whether the last word from Kinesis was good: the last PutRecords call, or before any, a stream check. */
export class KinesisHealth {
  private state = { ok: false, detail: "Kinesis not reached yet" };
  private putSeen = false;

  get ok(): boolean {
    return this.state.ok;
  }

  get detail(): string {
    return this.state.detail;
  }

  /** A PutRecords call reached Kinesis (ok) or failed. */
  reportPut(ok: boolean, detail: string): void {
    this.putSeen = true;
    this.state = { ok, detail };
  }

  /** A stream check counts only until the first PutRecords call says more. */
  reportCheck(ok: boolean, detail: string): void {
    if (!this.putSeen) this.state = { ok, detail };
  }
}

/**
 * Describes the stream at start, and again every `intervalMs` until it answers, so readiness does not wait
 * for the first tweet, and an operator sees at once a missing stream or missing permission.
 */
export function checkStreamUntilReachable(
  client: Pick<KinesisClient, "send">,
  target: StreamTarget,
  health: KinesisHealth,
  log: Logger,
  intervalMs = 5_000,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const abort = new AbortController();
  const attempt = async () => {
    try {
      const out = await client.send(new DescribeStreamSummaryCommand(target), { abortSignal: abort.signal });
      const status = out.StreamDescriptionSummary?.StreamStatus ?? "UNKNOWN";
      const writable = status === "ACTIVE" || status === "UPDATING";
      health.reportCheck(writable, `stream status ${status}`);
      log.info({ streamStatus: status }, "Kinesis stream checked");
      if (writable) return;
    } catch (err) {
      if (stopped) return;
      const name = (err as Error).name;
      health.reportCheck(false, `DescribeStreamSummary failed: ${name}`);
      log.warn({ err }, "Kinesis stream check failed; retrying");
    }
    if (!stopped) timer = setTimeout(attempt, intervalMs);
  };
  void attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
    },
  };
}
