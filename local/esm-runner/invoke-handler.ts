import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import type { InvokeOutcome } from "./batch-delivery.js";
import { type EventSourceInfo, lambdaContext, type StreamRecord, toKinesisEvent } from "./stream-record.js";

export type KinesisHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | undefined | null>;

export interface InvokeTarget {
  handler: KinesisHandler;
  functionName: string;
  timeoutMs: number;
  source: EventSourceInfo;
}

/** Told while a timed-out invocation is still running, once per elapsed timeout, until it ends. */
export type OverrunListener = (overrunMs: number) => void;

/**
 * Calls the handler in-process as Lambda would and reads its answer the way the event source mapping does.
 * A handler that outlives its timeout counts as failed ("Task timed out"), as in Lambda. Lambda would then
 * stop it; in-process it cannot be stopped, so this waits until it ends before answering: the retry never
 * runs next to the invocation it retries, and the shard keeps one batch in flight.
 */
export async function invokeHandler(
  target: InvokeTarget,
  records: readonly StreamRecord[],
  onOverrun: OverrunListener = () => undefined,
): Promise<InvokeOutcome> {
  const context = lambdaContext(target.functionName, target.timeoutMs, target.source.region);
  const running = Promise.resolve()
    .then(() => target.handler(toKinesisEvent(records, target.source), context))
    .then(
      (response): InvokeOutcome => {
        const failures = response?.batchItemFailures ?? [];
        if (failures.length === 0) return { kind: "success" };
        return {
          kind: "partial",
          failedSequenceNumbers: failures.map((f) => String(f.itemIdentifier ?? "")),
        };
      },
      (err: unknown): InvokeOutcome => ({
        kind: "error",
        message: err instanceof Error ? err.message : String(err),
      }),
    );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), target.timeoutMs);
  });
  const first = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  if (first !== "timeout") return first;

  let overrunMs = 0;
  const ticker = setInterval(() => {
    overrunMs += target.timeoutMs;
    onOverrun(overrunMs);
  }, target.timeoutMs);
  onOverrun(0);
  try {
    await running;
  } finally {
    clearInterval(ticker);
  }
  return { kind: "error", message: `Task timed out after ${target.timeoutMs} ms` };
}
