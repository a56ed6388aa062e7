import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  checkPutRecord,
  checkPutRecords,
  DEFAULT_MAX_REQUEST_BYTES,
  KinesisRequestError,
} from "./put-records-rules.js";
import { countRecord, emptyCounters, type SinkCounters } from "./sink-counters.js";

const TARGET_PREFIX = "Kinesis_20131202.";
const SHARD_ID = "shardId-000000000000";
// Kinesis sequence numbers are 56-digit decimal strings; a fixed prefix plus a counter has that shape.
const SEQUENCE_PREFIX = "4963";
const SEQUENCE_DIGITS = 52;

export interface KinesisSinkOptions {
  /** How long each response is held before it is sent (0: at once; 10: about an in-region round trip). */
  responseDelayMs?: number;
  maxRequestBytes?: number;
}

/**
 * A counting Kinesis endpoint speaking the JSON 1.1 protocol over HTTP/1.1: it validates PutRecords and
 * PutRecord as Kinesis does, answers with sequence numbers, stores nothing, and counts what it accepted.
 * kinesalite stores every record and would be the bottleneck long before the producer is.
 */
export class KinesisSink {
  readonly server: Server;
  counters: SinkCounters = emptyCounters();
  responseDelayMs: number;
  private readonly maxRequestBytes: number;
  private sequence = 0;

  constructor(options: KinesisSinkOptions = {}) {
    this.responseDelayMs = options.responseDelayMs ?? 0;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.receive(req, res));
  }

  reset(responseDelayMs: number): void {
    this.counters = emptyCounters();
    this.responseDelayMs = responseDelayMs;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      let status = 200;
      let answer: unknown;
      try {
        answer = this.handle(target, Buffer.concat(chunks));
      } catch (err) {
        const known = err instanceof KinesisRequestError;
        const type = known ? err.type : "InternalFailure";
        const message = err instanceof Error ? err.message : String(err);
        this.counters.rejectedCalls++;
        this.counters.lastRejection = `${type}: ${message}`;
        status = known ? 400 : 500;
        answer = { __type: type, message };
      }
      const body = JSON.stringify(answer);
      const send = () => {
        res.writeHead(status, {
          "content-type": "application/x-amz-json-1.1",
          "content-length": Buffer.byteLength(body),
          "x-amzn-requestid": `sink-${this.sequence}`,
        });
        res.end(body);
      };
      if (this.responseDelayMs > 0) setTimeout(send, this.responseDelayMs);
      else send();
    });
  }

  private handle(target: string, raw: Buffer): unknown {
    if (!target.startsWith(TARGET_PREFIX)) {
      throw new KinesisRequestError("SerializationException", `unknown X-Amz-Target "${target}"`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new KinesisRequestError("SerializationException", "request body is not JSON");
    }
    switch (target.slice(TARGET_PREFIX.length)) {
      case "PutRecords": {
        const records = checkPutRecords(body, this.maxRequestBytes);
        this.counters.putRecordsCalls++;
        const answers = new Array(records.length);
        for (let i = 0; i < records.length; i++) {
          countRecord(this.counters, records[i] as (typeof records)[number]);
          answers[i] = { SequenceNumber: this.nextSequence(), ShardId: SHARD_ID };
        }
        return { FailedRecordCount: 0, Records: answers, EncryptionType: "NONE" };
      }
      case "PutRecord": {
        const record = checkPutRecord(body);
        this.counters.putRecordCalls++;
        countRecord(this.counters, record);
        return { SequenceNumber: this.nextSequence(), ShardId: SHARD_ID, EncryptionType: "NONE" };
      }
      case "DescribeStreamSummary":
        return describeStreamSummary(body);
      default:
        throw new KinesisRequestError("ValidationException", `the sink does not implement ${target}`);
    }
  }

  private nextSequence(): string {
    this.sequence++;
    return SEQUENCE_PREFIX + String(this.sequence).padStart(SEQUENCE_DIGITS, "0");
  }
}

/** Enough of DescribeStreamSummary for a producer's readiness probe. */
function describeStreamSummary(body: unknown): unknown {
  const name = (body as { StreamName?: string }).StreamName ?? "bench";
  return {
    StreamDescriptionSummary: {
      StreamName: name,
      StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
      StreamStatus: "ACTIVE",
      StreamModeDetails: { StreamMode: "ON_DEMAND" },
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: 1_700_000_000,
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: "NONE",
      OpenShardCount: 1,
      ConsumerCount: 0,
    },
  };
}
