import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  forwardTo,
  readBody,
  relayTo,
  sendDynamoError,
  sendJson,
} from "../../../test-support/dynamo-wire.js";

/**
 * What to do with one DynamoDB call: pass it to the engine, refuse it as a throttled partition does, answer
 * 500 as DynamoDB's front end sometimes does, or reset the socket (the SDK reports ECONNRESET as a
 * `TimeoutError`, which is what a keep-alive socket closed by the far end looks like).
 */
export type DynamoFault =
  | "forward"
  | "throttle"
  | "server-error"
  | "reset"
  /** BatchWriteItem only: write the entries `take` accepts, hand the others back as UnprocessedItems. */
  | { take: (entry: WriteEntry) => boolean }
  /** Pass the call on after `delayMs` (a slow partition, a loaded engine). */
  | { delayMs: number };

/** One entry of a BatchWriteItem request in the wire format. */
export interface WriteEntry {
  PutRequest?: { Item: Record<string, { S?: string; B?: string }> };
  DeleteRequest?: { Key: Record<string, { S?: string }> };
}

/** One call as the plan sees it: the operation (`Scan`, `Query`, `BatchWriteItem`, ...) and its body. */
export interface DynamoCall {
  operation: string;
  /** Calls of this operation so far, this one included. */
  n: number;
  body: string;
}

export interface DynamoFaultEndpoint {
  endpoint: string;
  setPlan(plan: (call: DynamoCall) => DynamoFault): void;
  /** Faults injected so far, by operation and kind (e.g. `Scan throttle`). */
  injected(): Record<string, number>;
  /** With `meter`: read and write units the engine reported for the calls that passed (every call asks). */
  units(): { read: number; write: number };
  close(): Promise<void>;
}

/**
 * A DynamoDB-protocol proxy in front of dynalite for the compliance sweeper's fault tests: it injects, per
 * operation, the faults no engine produces on demand (the processor's proxy only handles BatchWriteItem).
 */
export async function startDynamoFaults(
  target: string,
  { meter = false }: { meter?: boolean } = {},
): Promise<DynamoFaultEndpoint> {
  let plan: (call: DynamoCall) => DynamoFault = () => "forward";
  const units = { read: 0, write: 0 };
  const calls = new Map<string, number>();
  const injected: Record<string, number> = {};
  const upstream = new URL(target);

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
    const n = (calls.get(operation) ?? 0) + 1;
    calls.set(operation, n);
    const fault = plan({ operation, n, body: body.toString("utf8") });
    if (typeof fault === "object" && "take" in fault) return partialWrite(req, body, res, fault.take);
    if (typeof fault === "object") await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (typeof fault === "string" && fault !== "forward")
      injected[`${operation} ${fault}`] = (injected[`${operation} ${fault}`] ?? 0) + 1;
    if (fault === "reset") return req.socket.destroy();
    if (fault === "throttle")
      return sendDynamoError(res, 400, "ProvisionedThroughputExceededException", "injected throttling");
    if (fault === "server-error") return sendDynamoError(res, 500, "InternalServerError", "injected failure");
    if (meter && METERED[operation]) return metered(req, body, res, METERED[operation]);
    forward(req, body, relayTo(res)).on("error", () => res.destroy());
  });

  /** Asks the engine for the consumed capacity (ReturnConsumedCapacity TOTAL) and adds it up. */
  function metered(req: IncomingMessage, body: Buffer, res: ServerResponse, kind: "read" | "write") {
    const input = { ...JSON.parse(body.toString("utf8")), ReturnConsumedCapacity: "TOTAL" };
    forward(req, Buffer.from(JSON.stringify(input)), (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        const text = Buffer.concat(chunks);
        if (answer.statusCode === 200) {
          const consumed = JSON.parse(text.toString("utf8")).ConsumedCapacity ?? [];
          for (const c of Array.isArray(consumed) ? consumed : [consumed])
            units[kind] += c.CapacityUnits ?? 0;
        }
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "content-length": String(text.length) });
        res.end(text);
      });
    }).on("error", () => res.destroy());
  }

  const forward = (req: IncomingMessage, body: Buffer, onAnswer: (answer: IncomingMessage) => void) =>
    forwardTo(upstream, req, body, onAnswer);

  /** Writes what `take` accepts (as DynamoDB does within a partition's budget) and hands the rest back. */
  function partialWrite(
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    take: (e: WriteEntry) => boolean,
  ) {
    const input = JSON.parse(body.toString("utf8")) as { RequestItems: Record<string, WriteEntry[]> };
    const [table, entries] = Object.entries(input.RequestItems)[0] ?? ["", []];
    const taken = entries.filter(take);
    const handedBack = entries.filter((entry) => !taken.includes(entry));
    const unprocessed = handedBack.length > 0 ? { [table]: handedBack } : {};
    injected["BatchWriteItem unprocessed"] =
      (injected["BatchWriteItem unprocessed"] ?? 0) + handedBack.length;
    if (taken.length === 0) return sendJson(res, 200, { UnprocessedItems: unprocessed });
    const partial = Buffer.from(JSON.stringify({ ...input, RequestItems: { [table]: taken } }));
    forward(req, partial, (answer) => {
      answer.resume();
      if (answer.statusCode === 200) sendJson(res, 200, { UnprocessedItems: unprocessed });
      else sendDynamoError(res, 500, "InternalServerError", `upstream answered ${answer.statusCode}`);
    }).on("error", () => res.destroy());
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setPlan(next) {
      plan = next;
      calls.clear();
    },
    injected: () => ({ ...injected }),
    units: () => ({ ...units }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Operations whose consumed capacity a metering endpoint adds up, and as what. */
const METERED: Record<string, "read" | "write"> = {
  Scan: "read",
  Query: "read",
  GetItem: "read",
  BatchWriteItem: "write",
  UpdateItem: "write",
  PutItem: "write",
  DeleteItem: "write",
};

/** The `Id`s a BatchWriteItem call puts under the sweeper's reserved partitions (`Username` starting with `#`). */
export function sweeperStatePuts(call: DynamoCall): string[] {
  if (call.operation !== "BatchWriteItem") return [];
  const input = JSON.parse(call.body) as {
    RequestItems: Record<string, { PutRequest?: { Item: Record<string, { S?: string }> } }[]>;
  };
  return Object.values(input.RequestItems)
    .flat()
    .flatMap((entry) => {
      const item = entry.PutRequest?.Item;
      return item?.Username?.S?.startsWith("#") ? [item.Id?.S ?? ""] : [];
    });
}
