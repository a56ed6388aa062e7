import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  forwardTo,
  readBody,
  relayTo,
  sendDynamoError,
  sendJson,
} from "../../../test-support/dynamo-wire.js";

/** What to do with one BatchWriteItem call. */
export type BatchWriteFault =
  | { kind: "forward" }
  /** Answer 400 ProvisionedThroughputExceededException without touching the table. */
  | { kind: "throttle" }
  /**
   * Write the puts `refuse` lets through and hand the others back as UnprocessedItems, as DynamoDB does;
   * with `disguise`, the handed-back copies carry a key the client never sent.
   */
  | { kind: "unprocess"; refuse: (item: WireItem) => boolean; disguise?: boolean }
  /**
   * Answer 400 ValidationException, as DynamoDB does for a call carrying an item it refuses: every call, or
   * with `when`, only calls that carry a put `when` picks out (the others are forwarded).
   */
  | { kind: "reject"; when?: (item: WireItem) => boolean }
  /** Never answer (until the client gives up or the proxy closes). */
  | { kind: "hang" };

/** An item in DynamoDB's wire format, e.g. `{ Id: { S: "1" } }`. */
export type WireItem = Record<string, { S?: string }>;
/** One entry of a BatchWriteItem request: a put, or (an earlier version of an edited post) a delete. */
type PutEntry = { PutRequest: { Item: WireItem } };
/** One entry of a BatchWriteItem request: a put, or (an earlier version of an edited post) a delete. */
type BatchEntry = PutEntry | { DeleteRequest: { Key: WireItem } };
const isPut = (entry: BatchEntry): entry is PutEntry => "PutRequest" in entry;

export interface DynamoFaultProxy {
  endpoint: string;
  /** Chooses the fault for each BatchWriteItem call (`call` counts from 1); other operations pass through. */
  setPlan(plan: (call: number) => BatchWriteFault): void;
  batchWriteCalls(): number;
  close(): Promise<void>;
}

const BATCH_WRITE = "DynamoDB_20120810.BatchWriteItem";

/**
 * A DynamoDB-protocol proxy in front of dynalite that injects the faults a real emulator cannot produce on
 * demand: throttling, partial writes with UnprocessedItems, validation errors and calls that never return.
 */
export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  let plan: (call: number) => BatchWriteFault = () => ({ kind: "forward" });
  let calls = 0;
  const upstream = new URL(target);

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.headers["x-amz-target"] !== BATCH_WRITE) return forward(req, body, res);
    calls += 1;
    const fault = plan(calls);
    switch (fault.kind) {
      case "forward":
        return forward(req, body, res);
      case "hang":
        return;
      case "throttle":
        return sendError(res, "ProvisionedThroughputExceededException", "injected throttling");
      case "reject": {
        const when = fault.when;
        if (when && !putsOf(body).some((put) => when(put.PutRequest.Item))) return forward(req, body, res);
        return sendError(res, "ValidationException", "injected validation error");
      }
      case "unprocess": {
        const input = JSON.parse(body.toString("utf8")) as { RequestItems: Record<string, BatchEntry[]> };
        const [table, entries] = Object.entries(input.RequestItems)[0] ?? ["", []];
        // Deletes are always carried out: `refuse` picks puts.
        const refused = (entry: BatchEntry): entry is PutEntry =>
          isPut(entry) && fault.refuse(entry.PutRequest.Item);
        const written = entries.filter((entry) => !refused(entry));
        const unprocessed = entries.filter(refused);
        if (written.length > 0) {
          const partial = Buffer.from(JSON.stringify({ ...input, RequestItems: { [table]: written } }));
          const status = await forwardAndWait(req, partial);
          if (status !== 200)
            return sendError(res, "InternalServerError", `upstream answered ${status}`, 500);
        }
        const handedBack = fault.disguise
          ? unprocessed.map((put) => ({
              PutRequest: { Item: { ...put.PutRequest.Item, Id: { S: "unknown" } } },
            }))
          : unprocessed;
        return sendJson(res, 200, {
          UnprocessedItems: handedBack.length > 0 ? { [table]: handedBack } : {},
        });
      }
    }
  });

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    forwardTo(upstream, req, body, relayTo(res)).on("error", () => res.destroy());
  }

  function forwardAndWait(req: IncomingMessage, body: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      forwardTo(upstream, req, body, (a) => {
        a.resume();
        a.on("end", () => resolve(a.statusCode ?? 0));
      }).on("error", reject);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setPlan(next) {
      plan = next;
      calls = 0;
    },
    batchWriteCalls: () => calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The puts of a BatchWriteItem request body (deletes left out). */
function putsOf(body: Buffer): PutEntry[] {
  const input = JSON.parse(body.toString("utf8")) as { RequestItems: Record<string, BatchEntry[]> };
  return (Object.values(input.RequestItems)[0] ?? []).filter(isPut);
}

function sendError(res: ServerResponse, type: string, message: string, status = 400): void {
  sendDynamoError(res, status, type, message);
}
