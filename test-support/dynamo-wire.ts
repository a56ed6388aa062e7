import { type ClientRequest, type IncomingMessage, request, type ServerResponse } from "node:http";

// The DynamoDB wire plumbing the fault proxies in front of dynalite / DynamoDB Local share
// (processor/test/support/dynamo-fault-proxy.ts, compliance/test/support/dynamo-faults.ts): each injects its own
// faults, both read a call, pass it on and answer in DynamoDB's JSON protocol the same way.

/** A request's whole body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Passes a call on to the engine at `upstream` with `body` (its length set); `onAnswer` gets the engine's answer. */
export function forwardTo(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
  onAnswer: (answer: IncomingMessage) => void,
): ClientRequest {
  const headers = { ...req.headers, "content-length": String(body.length) };
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
    onAnswer,
  );
  out.end(body);
  return out;
}

/** Sends the engine's answer back as it came. */
export const relayTo =
  (res: ServerResponse) =>
  (answer: IncomingMessage): void => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  };

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** An error as DynamoDB sends it: `type` is the exception's name (e.g. ProvisionedThroughputExceededException). */
export function sendDynamoError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
}
