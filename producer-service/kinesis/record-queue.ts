import type { SpoolToken } from "../spool/index.js";
import type { PushOutcome } from "../x-stream/event-sink.js";

/** One tweet on its way to Kinesis: encoded once, at push, and held until acknowledged or dropped. */
export interface QueuedRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
  /** Data plus partition key bytes: what Kinesis counts against its size limits. */
  readonly size: number;
  /** When ingest read the tweet (epoch ms), for linger and receive-to-acknowledge latency. */
  readonly receivedAtMs: number;
  /** Failed put attempts so far. */
  attempts: number;
  /** Set after Kinesis refused a request as invalid: the record is then sent on its own to find the culprit. */
  isolate: boolean;
  /** When it was set apart (epoch ms): refused alone after Kinesis accepted others since then, it is at fault. */
  isolatedAt?: number;
  /** Set on a record read back from the spool: it stays on disk until its whole batch is settled. */
  readonly fromSpool?: { readonly batch: LoadedBatch; readonly index: number };
  /** The pusher's callback (EventSink.push), cleared once called; none on a record read back from the spool. */
  settled?: ((outcome: PushOutcome) => void) | undefined;
}

/** Records read from the spool into memory; they stay on disk until every one of them is settled. */
export interface LoadedBatch {
  readonly token: SpoolToken;
  readonly settled: boolean[];
  /** Records 0..prefix-1 are all settled: what `ack(token, prefix)` may remove at shutdown. */
  prefix: number;
  remaining: number;
}

/**
 * Tells the pusher what became of the record: "durable" (Kinesis acknowledged it, or the spool file has its
 * bytes) or "lost" (dropped). At most once: the callback is cleared before it is called.
 */
export function settleRecord(record: QueuedRecord, outcome: PushOutcome): void {
  const settled = record.settled;
  if (settled === undefined) return;
  record.settled = undefined;
  settled(outcome);
}

/**
 * A FIFO with O(1) push and shift. Array.prototype.shift moves every element; at tens of thousands of
 * records per second that dominates, so we advance a head index and compact now and then.
 */
export class RecordQueue {
  private items: (QueuedRecord | undefined)[] = [];
  private head = 0;
  private byteCount = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Sum of the records' sizes. */
  get bytes(): number {
    return this.byteCount;
  }

  peek(): QueuedRecord | undefined {
    return this.items[this.head];
  }

  push(record: QueuedRecord): void {
    this.items.push(record);
    this.byteCount += record.size;
  }

  shift(): QueuedRecord | undefined {
    const record = this.items[this.head];
    if (record === undefined) return undefined;
    this.items[this.head] = undefined; // let the record be collected once acknowledged
    this.head++;
    this.byteCount -= record.size;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return record;
  }
}
