import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import type { StreamRecord } from "./stream-record.js";

export interface ShardRead {
  records: StreamRecord[];
  millisBehindLatest: number;
  /** False once the shard is closed and fully read. */
  open: boolean;
}

/** Reads one shard from its oldest record (TRIM_HORIZON, as the original architecture's mapping did). */
export class ShardReader {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    readonly shardId: string,
  ) {}

  /** Forget the iterator (after an error or expiry): the next read resumes after the last record read. */
  reset(): void {
    this.iterator = undefined;
  }

  async read(limit: number): Promise<ShardRead> {
    if (this.iterator === undefined) {
      const out = await this.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: this.streamName,
          ShardId: this.shardId,
          ...(this.lastSequenceNumber === undefined
            ? { ShardIteratorType: "TRIM_HORIZON" }
            : {
                ShardIteratorType: "AFTER_SEQUENCE_NUMBER",
                StartingSequenceNumber: this.lastSequenceNumber,
              }),
        }),
      );
      this.iterator = out.ShardIterator;
    }
    const out = await this.kinesis.send(
      new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit }),
    );
    this.iterator = out.NextShardIterator;
    const records = (out.Records ?? []).map((r) => ({
      shardId: this.shardId,
      sequenceNumber: r.SequenceNumber ?? "",
      partitionKey: r.PartitionKey ?? "",
      data: r.Data ?? new Uint8Array(),
      approximateArrivalTimestamp: r.ApproximateArrivalTimestamp ?? new Date(),
    }));
    const last = records.at(-1);
    if (last) this.lastSequenceNumber = last.sequenceNumber;
    return { records, millisBehindLatest: out.MillisBehindLatest ?? 0, open: this.iterator !== undefined };
  }
}
