import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A PutRecords endpoint (Kinesis JSON 1.1 protocol over HTTP/1.1) that injects the faults kinesalite cannot:
 * partial failures, throttling, 5xx answers and requests that never get an answer. It records every entry it
 * receives and every entry it stores, so tests can assert on what was (re)sent.
 */

export interface ReceivedEntry {
  data: Buffer;
  partitionKey: string;
}

export type Fault =
  | { kind: "ok" }
  /** Answers 200, failing the entries for which `errorCode` returns a code. */
  | { kind: "partial"; errorCode: (index: number, entry: ReceivedEntry) => string | undefined }
  /** Answers an error for the whole call. */
  | { kind: "error"; status: number; type: string }
  /** Never answers; with `store`, keeps the entries first (the answer is what gets lost). */
  | { kind: "hang"; store: boolean }
  /** Stores and answers once `until` resolves. */
  | { kind: "hold"; until: Promise<void> };

export interface ReceivedCall {
  atMs: number;
  entries: ReceivedEntry[];
  fault: Fault["kind"];
  /** Indices of the entries that were not stored. */
  failed: number[];
}

export type FaultPlan = (call: number, entries: ReceivedEntry[]) => Fault;

export interface FaultKinesis {
  endpoint: string;
  calls: ReceivedCall[];
  stored: ReceivedEntry[];
  /** Most PutRecords calls open at once. */
  maxConcurrent(): number;
  /** Stops listening (connections are refused) until `listen()`; open connections are cut. */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

const JSON_11 = "application/x-amz-json-1.1";

export async function startFaultKinesis(plan: FaultPlan): Promise<FaultKinesis> {
  const calls: ReceivedCall[] = [];
  const stored: ReceivedEntry[] = [];
  let active = 0;
  let maxActive = 0;
  let sequence = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    if (req.method !== "POST" || !String(req.headers["content-type"]).startsWith(JSON_11)) {
      return reply(res, 400, { __type: "SerializationException", message: "expected a JSON 1.1 POST" });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      Records?: { Data: string; PartitionKey: string }[];
    };
    if (target === "Kinesis_20131202.DescribeStreamSummary") {
      return reply(res, 200, { StreamDescriptionSummary: { StreamName: "faulty", StreamStatus: "ACTIVE" } });
    }
    if (target !== "Kinesis_20131202.PutRecords") {
      return reply(res, 400, { __type: "UnknownOperationException", message: target });
    }
    const entries = (body.Records ?? []).map((r) => ({
      data: Buffer.from(r.Data, "base64"),
      partitionKey: r.PartitionKey,
    }));
    const fault = plan(calls.length, entries);
    const call: ReceivedCall = { atMs: Date.now(), entries, fault: fault.kind, failed: [] };
    calls.push(call);
    active++;
    maxActive = Math.max(maxActive, active);
    res.on("close", () => active--);
    switch (fault.kind) {
      case "error":
        call.failed = entries.map((_, i) => i);
        return reply(res, fault.status, { __type: fault.type, message: "injected fault" });
      case "hang":
        if (fault.store) stored.push(...entries);
        else call.failed = entries.map((_, i) => i);
        return; // the client's request timeout ends it
      case "hold":
        await fault.until;
        break;
      case "partial":
      case "ok":
        break;
    }
    const results = entries.map((entry, i) => {
      const errorCode = fault.kind === "partial" ? fault.errorCode(i, entry) : undefined;
      if (errorCode !== undefined) {
        call.failed.push(i);
        return { ErrorCode: errorCode, ErrorMessage: "injected entry failure" };
      }
      stored.push(entry);
      return { SequenceNumber: String(++sequence).padStart(20, "0"), ShardId: "shardId-000000000000" };
    });
    reply(res, 200, { FailedRecordCount: call.failed.length, Records: results });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      reply(res, 500, { __type: "InternalFailure", message: String(err) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stored,
    maxConcurrent: () => maxActive,
    stopListening: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    listen: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": JSON_11,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": "fault-kinesis",
  });
  res.end(text);
}
