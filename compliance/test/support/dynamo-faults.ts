import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What to do with one DynamoDB call: pass it to the engine, refuse it as a throttled partition does, answer
 * 500 as DynamoDB's front end sometimes does, or reset the socket (the SDK reports ECONNRESET as a
 * `TimeoutError`, which is what a keep-alive socket closed by the far end looks like).
 */
export type DynamoFault = "forward" | "throttle" | "server-error" | "reset";

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
  close(): Promise<void>;
}

/**
 * A DynamoDB-protocol proxy in front of dynalite for the compliance sweeper's fault tests: it injects, per
 * operation, the faults no engine produces on demand (the processor's proxy only handles BatchWriteItem).
 */
export async function startDynamoFaults(target: string): Promise<DynamoFaultEndpoint> {
  let plan: (call: DynamoCall) => DynamoFault = () => "forward";
  const calls = new Map<string, number>();
  const injected: Record<string, number> = {};
  const upstream = new URL(target);

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
    const n = (calls.get(operation) ?? 0) + 1;
    calls.set(operation, n);
    const fault = plan({ operation, n, body: body.toString("utf8") });
    if (fault !== "forward") injected[`${operation} ${fault}`] = (injected[`${operation} ${fault}`] ?? 0) + 1;
    if (fault === "reset") return req.socket.destroy();
    if (fault === "throttle")
      return sendError(res, 400, "ProvisionedThroughputExceededException", "injected throttling");
    if (fault === "server-error") return sendError(res, 500, "InternalServerError", "injected failure");
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    out.end(body);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setPlan(next) {
      plan = next;
      calls.clear();
    },
    injected: () => ({ ...injected }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
