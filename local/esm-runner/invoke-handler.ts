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

/** Calls the handler in-process as Lambda would and reads its answer the way the event source mapping does. */
export async function invokeHandler(
  target: InvokeTarget,
  records: readonly StreamRecord[],
): Promise<InvokeOutcome> {
  const context = lambdaContext(target.functionName, target.timeoutMs, target.source.region);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${target.timeoutMs} ms`)),
      target.timeoutMs,
    );
  });
  try {
    const response = await Promise.race([
      target.handler(toKinesisEvent(records, target.source), context),
      timeout,
    ]);
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return { kind: "success" };
    return { kind: "partial", failedSequenceNumbers: failures.map((f) => String(f.itemIdentifier ?? "")) };
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
