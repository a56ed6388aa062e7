import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { checkBatchWriteItem, DynamoDbRequestError, type TableKeySchema } from "./dynamodb-rules.js";

const TARGET_PREFIX = "DynamoDB_20120810.";

export interface DynamoDbCounters {
  itemsWritten: number;
  rejected: number;
  lastRejection?: string;
}

/**
 * A counting DynamoDB endpoint (JSON 1.0 protocol over HTTP/1.1): BatchWriteItem is validated as DynamoDB
 * does and answered with no UnprocessedItems; nothing is stored. dynalite stores every item in LevelDB and
 * is the bottleneck long before the processor is (bench/README.md has the figures).
 */
export class DynamoDbSink {
  readonly server: Server;
  counters: DynamoDbCounters = { itemsWritten: 0, rejected: 0 };

  constructor(private readonly table: TableKeySchema) {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.receive(req, res));
  }

  reset(): void {
    this.counters = { itemsWritten: 0, rejected: 0 };
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      let status = 200;
      let answer: unknown;
      try {
        if (operation !== "BatchWriteItem") {
          throw new DynamoDbRequestError("ValidationException", `the sink does not implement ${operation}`);
        }
        this.counters.itemsWritten += checkBatchWriteItem(parse(Buffer.concat(chunks)), this.table);
        answer = { UnprocessedItems: {} };
      } catch (err) {
        const known = err instanceof DynamoDbRequestError;
        const type = known ? err.type : "InternalServerError";
        const message = err instanceof Error ? err.message : String(err);
        this.counters.rejected++;
        this.counters.lastRejection = `${type}: ${message}`;
        status = known ? 400 : 500;
        answer = { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message };
      }
      const body = JSON.stringify(answer);
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    });
  }
}

function parse(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new DynamoDbRequestError("SerializationException", "request body is not JSON");
  }
}
